package io.cowsql.e2e.chaos;

import io.cowsql.e2e.testbed.Testbed;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A testbed with the operator installed the plain-kubectl way ({@code crds/}, then {@code
 * deploy/operator.yaml}: the operator runs as a pod of the process kubelet, from this build's jar), on
 * which {@link TestbedCluster}s are created, one namespace per run. Either started here (the runner,
 * {@link #start}) or on a testbed a test already has ({@link #install}).
 */
public final class OperatorTestbed implements AutoCloseable {
    public static final String OPERATOR_NAMESPACE = "cowsql-system";
    static final String OPERATOR_DEPLOYMENT = "cowsql-operator";
    static final String OPERATOR_LABEL = "app.kubernetes.io/name";
    static final String OPERATOR_CONTAINER = "operator";

    private final Testbed testbed;
    private final boolean owned;

    private OperatorTestbed(Testbed testbed, boolean owned) {
        this.testbed = testbed;
        this.owned = owned;
    }

    /**
     * Starts a testbed in {@code workDir} with the operator of the checkout {@code repo} (its
     * {@code operator/target/quarkus-app/quarkus-run.jar} must be built) and installs it.
     */
    public static OperatorTestbed start(Path workDir, Path repo) {
        Path jar = operatorJar(repo);
        // The image table's operator entry runs this jar (ImageTable.defaults reads the property).
        if (System.getProperty("cowsql.e2e.operatorJar") == null) {
            System.setProperty("cowsql.e2e.operatorJar", jar.toString());
        }
        Testbed tb = Testbed.start(Testbed.Options.defaults(workDir, repo.resolve("e2e/scripts")));
        try {
            install(tb, repo);
            return new OperatorTestbed(tb, true);
        } catch (RuntimeException | Error e) {
            tb.close();
            throw e;
        }
    }

    /** The operator's jar in checkout {@code repo}; a clear error when it is not built. */
    static Path operatorJar(Path repo) {
        Path jar = repo.resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the operator's jar " + jar + " is missing: build it first, "
                + "mvn -pl operator -am package -DskipTests");
        }
        return jar;
    }

    /**
     * Installs the operator of checkout {@code repo} on {@code tb} (whose image table runs that build's
     * operator jar, as {@code ImageTable.defaults()} does) and waits until it is ready.
     */
    public static OperatorTestbed install(Testbed tb, Path repo) {
        operatorJar(repo);
        try (Stream<Path> files = Files.list(repo.resolve("crds"))) {
            tb.apply(files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted()
                .toArray(Path[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tb.client().apiextensions().v1().customResourceDefinitions().withName("cowsqlclusters.cowsql.io")
            .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                && d.getStatus().getConditions().stream()
                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        tb.apply(repo.resolve("deploy/operator.yaml"));
        try {
            tb.client().apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR_DEPLOYMENT)
                .waitUntilCondition(OperatorTestbed::ready, 240, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the operator did not become ready within 240 s: " + e.getMessage()
                + "\n" + tb.describe(30), e);
        }
        return new OperatorTestbed(tb, false);
    }

    private static boolean ready(Deployment d) {
        return d != null && d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
    }

    public Testbed testbed() {
        return testbed;
    }

    /** The operator's pod (the Deployment's one running pod). */
    public Pod operatorPod() {
        List<Pod> pods = testbed.client().pods().inNamespace(OPERATOR_NAMESPACE)
            .withLabel(OPERATOR_LABEL, OPERATOR_DEPLOYMENT).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        if (pods.size() != 1) {
            throw new IllegalStateException("expected one operator pod in " + OPERATOR_NAMESPACE + ", found " + pods.size());
        }
        return pods.get(0);
    }

    /**
     * The checkout: the first directory holding {@code crds/} and {@code deploy/}, upwards from the working
     * directory, else from where this class was loaded ({@code e2e/target/classes}).
     */
    public static Path repository() {
        List<Path> starts = new java.util.ArrayList<>(List.of(Path.of("").toAbsolutePath()));
        try {
            starts.add(Path.of(OperatorTestbed.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // the working directory alone
        }
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("crds")) && Files.isDirectory(d.resolve("deploy"))) {
                    return d;
                }
            }
        }
        throw new IllegalStateException("cannot find the checkout (crds/ and deploy/) above " + starts + ": pass --repo");
    }

    /** Closes the testbed when it was started here; one from a test stays its fixture's. */
    @Override
    public void close() {
        if (owned) {
            testbed.close();
        }
    }
}
