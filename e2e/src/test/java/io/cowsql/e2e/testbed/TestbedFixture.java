package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The one set-up of the e2e system tests that need a testbed: registered as a static
 * {@code @RegisterExtension} field, it starts a control plane and the process kubelet before the
 * class's own {@code @BeforeAll} methods (so they can create their objects on it), optionally
 * creates the test's namespace, prints the testbed's state (pods, Nodes, container log tails) when
 * a test fails, and after the last test closes the testbed and checks that none of its processes
 * outlived it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withImages(TrivialImage.table()))
 *     .namespace("pods");
 * }</pre>
 */
public final class TestbedFixture implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final UnaryOperator<Testbed.Options> options;
    private final String subdir;
    private final String namespace;
    private Testbed testbed;

    private TestbedFixture(UnaryOperator<Testbed.Options> options, String subdir, String namespace) {
        this.options = options;
        this.subdir = subdir;
        this.namespace = namespace;
    }

    /** A testbed with the build's default options (three zone Nodes, the default image table). */
    public static TestbedFixture withDefaults() {
        return new TestbedFixture(UnaryOperator.identity(), null, null);
    }

    /** A testbed whose options the test adjusts (images, extra control-plane flags). */
    public static TestbedFixture withOptions(UnaryOperator<Testbed.Options> options) {
        return new TestbedFixture(options, null, null);
    }

    /** Also creates this namespace once the testbed is up. */
    public TestbedFixture namespace(String name) {
        return new TestbedFixture(options, subdir, name);
    }

    /** Puts the testbed's directory under this subdirectory of the build's testbed work directory. */
    public TestbedFixture inSubdirectory(String name) {
        return new TestbedFixture(options, name, namespace);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path work = subdir == null ? SystemTests.workDir() : SystemTests.workDir().resolve(subdir);
        testbed = Testbed.start(options.apply(Testbed.Options.defaults(work, SystemTests.scriptsDir())));
        if (namespace != null) {
            SystemTests.createNamespace(testbed.client(), namespace);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Testbed tb = testbed;
        testbed = null;
        SystemTests.closeLeavingNoProcesses(tb);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Testbed tb = testbed;
        if (tb != null) {
            try {
                System.err.println("[" + context.getDisplayName() + " failed]\n" + tb.describe(40));
            } catch (RuntimeException e) {
                System.err.println("cannot describe the testbed: " + e);
            }
        }
    }

    /** The running testbed (between the class's first and last test). */
    public Testbed testbed() {
        if (testbed == null) {
            throw new IllegalStateException("the testbed runs only between beforeAll and afterAll of the test class");
        }
        return testbed;
    }

    /** A client of the testbed's API server. */
    public KubernetesClient client() {
        return testbed().client();
    }
}
