package io.cowsql.e2e.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Run in a child JVM by {@link TeardownSystemTest}: starts a local cluster, cuts node 1 off, prints
 * {@code READY <chain> <dir> <pid>...} and waits to be killed.
 */
public final class ChaosClusterChild {
    public static void main(String[] args) throws Exception {
        LocalCluster c = LocalCluster.start(Path.of(args[0]), System.getProperty("java.class.path"), Duration.ofSeconds(120));
        c.partitions().partition(List.of(Set.of(c.node(0)), Set.of(c.node(1), c.node(2))));
        StringBuilder sb = new StringBuilder("READY " + c.partitions().chain() + " " + c.dir());
        c.pids().forEach(p -> sb.append(' ').append(p));
        System.out.println(sb);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
