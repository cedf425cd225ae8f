package io.cowsql.e2e.chaos;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.Dialer;
import io.cowsql.client.HostPort;
import io.cowsql.client.NodeInfo;
import io.cowsql.e2e.testbed.NetworkPartitions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A cluster the harness runs a scenario on, as the workloads, the runner and the partition faults see
 * it: {@link LocalCluster} (three agents started by the harness) or {@link TestbedCluster} (a
 * CowsqlCluster of the real operator on the testbed). Members are numbered from 0 and named
 * {@code n1}, {@code n2}, ... in the history.
 */
public interface ChaosCluster extends AutoCloseable {
    /** Where the run keeps the cluster's data and logs (or, on the testbed, notes about it). */
    Path dir();

    /** How many members the cluster has (or, during a scale-up, is to have). */
    int size();

    /** The cluster addresses the clients start from. */
    List<String> addresses();

    /** Member {@code i}'s endpoint (its address; its group id, by which partitions match what it sends). */
    NetworkPartitions.Endpoint node(int i);

    /** Client endpoint {@code k}: a source address of its own that client sockets bind. */
    NetworkPartitions.Endpoint client(int k);

    /** Options for a client on endpoint {@code k}: its sockets bind that source address. */
    ClientOptions clientOptions(int k);

    /** Member {@code i}'s key/value HTTP API. */
    URI http(int i);

    /** The member at {@code address} ({@code n1}..), or the address itself when it is none of them. */
    String nameOf(String address);

    /** Index of the current leader, or -1 when none is found within a few seconds. */
    int leader();

    /**
     * The configuration as the leader lists it (every member with its id, address and role), found through the
     * harness's own unpartitioned sockets within a few seconds; what the {@link MembershipObserver} records.
     */
    List<NodeInfo> configuration() throws CowsqlException;

    NetworkPartitions partitions();

    /**
     * The network between the members as the partitions leave it: for each member (by name), the members it
     * exchanges messages with directly, itself included (what the minority-ack checker reads, with the voters
     * the {@link MembershipObserver} records).
     */
    Map<String, List<String>> reach();

    /** Ends every fault still in force. */
    void healAll();

    /** Waits until the cluster has all its members, ready, behind a leader; fails after {@code timeout}. */
    void awaitHealthy(Duration timeout);

    /** How long the runner waits for {@link #awaitHealthy} after the last heal. */
    default Duration recoveryTimeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    void close();

    /**
     * The reach of {@code members} members named {@code name(i)}: each reaches itself and every member
     * {@code cut} does not separate it from.
     */
    static Map<String, List<String>> reach(int members, java.util.function.IntFunction<String> name,
                                           java.util.function.BiPredicate<Integer, Integer> cut) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < members; i++) {
            List<String> r = new java.util.ArrayList<>();
            for (int j = 0; j < members; j++) {
                if (i == j || !cut.test(i, j)) {
                    r.add(name.apply(j));
                }
            }
            out.put(name.apply(i), r);
        }
        return out;
    }

    /**
     * The index of the leader that a client finds from {@code addresses} with {@code options}, as
     * {@code indexOf} numbers the address it answers from; -1 when none is found.
     */
    static int leaderIndex(List<String> addresses, ClientOptions options, java.util.function.ToIntFunction<String> indexOf) {
        try (CowsqlClient leader = CowsqlClient.findLeader(addresses, options)) {
            return indexOf.applyAsInt(leader.address());
        } catch (CowsqlException e) {
            return -1;
        }
    }

    /** Options of the harness's own look at the cluster (unbound sockets, short timeouts: a few seconds in all). */
    static ClientOptions observerOptions() {
        return ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(1)).withRequestTimeout(Duration.ofSeconds(2))
            .withRetryTimeout(Duration.ofSeconds(3)).withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(300));
    }

    /**
     * Client options whose sockets bind {@code sourceIp} before connecting (so partitions can match them by
     * source address), with short timeouts: the harness's clients on either side of a partition.
     */
    static ClientOptions boundClientOptions(String sourceIp) {
        Dialer bound = (address, timeout) -> {
            HostPort hp = HostPort.parse(address);
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(sourceIp, 0));
                s.connect(new InetSocketAddress(hp.host(), hp.port()), (int) Math.max(1, timeout.toMillis()));
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        };
        return ClientOptions.defaults().withDialer(bound).withConnectTimeout(Duration.ofSeconds(1))
            .withRequestTimeout(Duration.ofSeconds(5)).withRetryTimeout(Duration.ofSeconds(5))
            .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }
}
