package io.cowsql.e2e.chaos;

import java.util.List;

/**
 * A workload: what each client does, and how the final state is read.
 * One {@link Client} per client thread; a client is not shared.
 */
public interface Workload {
    /** A client of the workload on one thread. */
    interface Client extends AutoCloseable {
        /**
         * Invokes one operation writing {@code element} as {@code process}, records invocation and
         * completion in {@code history}, and returns how it ended.
         */
        Op.Type step(History history, int process, long element);

        @Override
        void close();
    }

    String name();

    /** Creates the schema (before the run starts). */
    void setup(ChaosCluster cluster) throws Exception;

    /** A client on client endpoint {@code side} (see {@link ChaosCluster#client}); {@code index} counts clients. */
    Client client(ChaosCluster cluster, int index, int side);

    /** Reads the final state (after healing and waiting for the cluster) into {@code history} as final-read ops. */
    void finalRead(ChaosCluster cluster, History history) throws Exception;

    /** Each workload the runner knows, by name. */
    static List<Workload> all() {
        return List.of(new SetWorkload(), new ListAppendWorkload(), new KeyValueWorkload());
    }
}
