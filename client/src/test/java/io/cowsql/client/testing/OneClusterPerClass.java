package io.cowsql.client.testing;

import io.cowsql.testing.SystemTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the system-tier test classes that share one real 3-node cowsql-demo
 * cluster for all their tests; it is started before the first test and every
 * process is killed after the last.
 */
@SystemTier
public abstract class OneClusterPerClass {
    protected static DemoCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = DemoCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
