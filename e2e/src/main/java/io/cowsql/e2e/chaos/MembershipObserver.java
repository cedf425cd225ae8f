package io.cowsql.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Records the cluster's voters over time into the history: every {@link #PERIOD} it asks the leader for the
 * configuration ({@link ChaosCluster#configuration}, through the harness's own unpartitioned sockets) and records
 * the look as an invocation and a completion of process {@link Op#OBSERVER} ({@code f} = {@code members}) whose
 * {@link Op#voters} are the voters by name. The minority-ack checker judges majorities by these, not by the
 * members the partitions know: on the testbed a scaled-up cluster has standbys, and a wiped node's rejoin or
 * the role policy changes who votes while a run goes.
 *
 * <p>Names come from addresses, and an address outlives an id: a wiped node starts again empty at its old
 * address under a new id while its former id may still be a voter (until the rejoining node removes it). That
 * voter is no process any more; named by its address it would count as reached whenever the new process is. So
 * each look also asks every member's agent for its own id ({@code /status}) and remembers, per name, the ids
 * seen there in order; a voter whose id was seen at its address before another one is named
 * {@code nX (former id H)}, a name no member has, which the checker counts as a voter nobody reaches.
 */
final class MembershipObserver implements AutoCloseable {
    /** Shorter than the role policy's round (1 s), so that two changes rarely fall between two looks. */
    static final Duration PERIOD = Duration.ofMillis(250);
    /** How long a look waits for the agents' {@code /status} (a paused agent does not answer). */
    static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(STATUS_TIMEOUT).build();

    private final ChaosCluster cluster;
    private final History history;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    /** Per member name, the ids its agent reported, oldest first (no id twice). */
    private final Map<String, List<Long>> idsSeen = new ConcurrentHashMap<>();

    private MembershipObserver(ChaosCluster cluster, History history) {
        this.cluster = cluster;
        this.history = history;
        this.thread = new Thread(this::loop, "chaos-membership");
        this.thread.setDaemon(true);
    }

    /** Takes a first look (recorded before this returns), then keeps looking in a thread of its own. */
    static MembershipObserver start(ChaosCluster cluster, History history) {
        MembershipObserver o = new MembershipObserver(cluster, history);
        o.look();
        o.thread.start();
        return o;
    }

    private void loop() {
        while (!stop.get()) {
            look();
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look at the configuration, recorded (a failed look too: it observed nothing). */
    void look() {
        Op start = history.observeStart();
        try {
            // The ids first: a former id is known as such only once the new process at its address answered.
            learnIds();
            List<NodeInfo> config = cluster.configuration();
            List<String> voters = voterNames(config, cluster::nameOf, idsSeen);
            String detail = String.join(", ", config.stream()
                .map(m -> cluster.nameOf(m.address()) + " " + m.role().name().toLowerCase(Locale.ROOT) + " (id " + m.hexId() + ")")
                .toList());
            history.observed(start, voters, detail);
        } catch (CowsqlException | RuntimeException e) {
            history.observeFailed(start, Outcomes.describe(e));
        }
    }

    /**
     * The voters of {@code config} by name ({@code nameOf} its address), except a voter whose id is an earlier one
     * of the ids {@code idsSeen} lists for that name: the process at its address has another id since, so no
     * process is that voter; it is named {@code <name> (former id <hex>)}. An id never seen at its address (the
     * agent did not answer yet) keeps the address's name.
     */
    static List<String> voterNames(List<NodeInfo> config, Function<String, String> nameOf, Map<String, List<Long>> idsSeen) {
        List<String> out = new ArrayList<>();
        for (NodeInfo m : config) {
            if (m.role() != Role.VOTER) {
                continue;
            }
            String name = nameOf.apply(m.address());
            List<Long> seen = idsSeen.getOrDefault(name, List.of());
            int at = seen.indexOf(m.id());
            out.add(at >= 0 && at < seen.size() - 1 ? name + " (former id " + m.hexId() + ")" : name);
        }
        return out;
    }

    /** Asks every member's agent for its id ({@code /status}, all at once, 1 s at most); a member that does not answer keeps what was seen. */
    private void learnIds() {
        Map<String, CompletableFuture<HttpResponse<String>>> asked = new LinkedHashMap<>();
        for (int i = 0; i < cluster.size(); i++) {
            try {
                asked.put("n" + (i + 1), HTTP.sendAsync(HttpRequest.newBuilder(cluster.http(i).resolve("/status"))
                    .timeout(STATUS_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString()));
            } catch (RuntimeException e) {
                // not running (a pod not scheduled): nothing learnt
            }
        }
        long deadline = System.nanoTime() + STATUS_TIMEOUT.toNanos();
        for (var e : asked.entrySet()) {
            try {
                HttpResponse<String> r = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                JsonNode id = r.statusCode() == 200 ? History.JSON.readTree(r.body()).get("id") : null;
                if (id != null && id.isTextual()) {
                    long v = Long.parseUnsignedLong(id.asText(), 16);
                    idsSeen.compute(e.getKey(), (k, l) -> l == null ? List.of(v)
                        : l.contains(v) ? l : java.util.stream.Stream.concat(l.stream(), java.util.stream.Stream.of(v)).toList());
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception x) {
                e.getValue().cancel(true); // paused, stopped or restarting: its id is still the last seen
            }
        }
    }

    /** Stops looking, then takes a last look: every write acknowledged before this has a look after it. */
    @Override
    public void close() {
        stop.set(true);
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        look();
    }
}
