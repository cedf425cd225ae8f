package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link RealNodesTeardownSystemTest}: a one-zone real-node testbed with one pod
 * running (a container of the base image, a local volume mounted; the options of
 * {@link RealNodesTeardownSystemTest#options}), then waits to be killed. Prints {@code TESTBED <dir> <state>}
 * once the testbed is up and {@code RUNNING <pod ip>} once the pod runs. Args: work dir, scripts dir, image.
 */
public final class RealNodesChild {
    private RealNodesChild() {}

    public static void main(String[] args) throws InterruptedException {
        Testbed tb = Testbed.start(Testbed.Options.defaults(Path.of(args[0]), Path.of(args[1])).withZones(1)
            .withRealNodes(RealNodesTeardownSystemTest.options(Path.of(args[1]), args[2])));
        System.out.println("TESTBED " + tb.dir() + " " + tb.realNodes().nodes().get(0).state().getParent());
        System.out.flush();
        RealNodesTeardownSystemTest.startSleeper(tb, "default");
        Pod p = RealNodesTeardownSystemTest.awaitRunning(tb, "default");
        System.out.println("RUNNING " + p.getStatus().getPodIP());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
