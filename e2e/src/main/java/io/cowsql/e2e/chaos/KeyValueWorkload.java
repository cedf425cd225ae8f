package io.cowsql.e2e.chaos;

import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agents' key/value HTTP API as users use it: {@code PUT /chaos-<element>} with the element as
 * value, through the agent of node {@code index % 3} (so clients sit on both sides of a split: the
 * agent forwards to the leader over the partitioned network), and a GET of the key just written.
 *
 * <p>Outcomes: 200 {@code done} is ok; a refused connection is a definite failure (nothing sent);
 * anything else is unknown, since the agent retries a PUT internally, also after an unknown outcome,
 * so an error answer does not mean it did not apply. The final read is the agent's table
 * {@code model} in database {@code demo}, through the client. A GET that answers a value other than
 * the element written is reported by the lost-writes checker.
 */
public final class KeyValueWorkload implements Workload {
    static final String KEY = "kv";
    static final String PREFIX = "chaos-";
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(12);

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public void setup(ChaosCluster cluster) {
        // The agent creates its table on the first request.
    }

    @Override
    public Workload.Client client(ChaosCluster cluster, int index, int side) {
        int node = index % cluster.size();
        return new Workload.Client() {
            @Override
            public Op.Type step(History h, int process, long element) {
                String path = PREFIX + element;
                Op inv = h.invoke(process, "put", KEY, element);
                Op.Type t;
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(cluster.http(node).resolve(path))
                        .timeout(REQUEST_TIMEOUT).PUT(HttpRequest.BodyPublishers.ofString(Long.toString(element))).build(),
                        HttpResponse.BodyHandlers.ofString());
                    t = r.statusCode() == 200 ? Op.Type.OK : Op.Type.INFO;
                    h.complete(inv, t, element, null, t == Op.Type.OK ? null : r.statusCode() + " " + r.body().strip(),
                        t == Op.Type.OK ? cluster.node(node).name() : null);
                } catch (ConnectException e) {
                    t = Op.Type.FAIL;
                    h.complete(inv, t, element, null, Outcomes.describe(e));
                } catch (IOException e) {
                    t = Op.Type.INFO;
                    h.complete(inv, t, element, null, Outcomes.describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    h.complete(inv, Op.Type.INFO, element, null, "interrupted");
                    return Op.Type.INFO;
                }
                if (t == Op.Type.OK) {
                    get(h, process, element, path);
                }
                return t;
            }

            private void get(History h, int process, long element, String path) {
                Op inv = h.invoke(process, "get", KEY, element);
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(cluster.http(node).resolve(path))
                        .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        h.complete(inv, Op.Type.OK, element, List.of(Long.parseLong(r.body().strip())), null);
                    } else if (r.statusCode() == 404) {
                        h.complete(inv, Op.Type.OK, element, List.of(), null);
                    } else {
                        h.complete(inv, Op.Type.FAIL, element, null, r.statusCode() + " " + r.body().strip());
                    }
                } catch (IOException | NumberFormatException e) {
                    h.complete(inv, Op.Type.FAIL, element, null, Outcomes.describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    h.complete(inv, Op.Type.FAIL, element, null, "interrupted");
                }
            }

            @Override
            public void close() {
                // HTTP connections are pooled by the shared client.
            }
        };
    }

    @Override
    public void finalRead(ChaosCluster cluster, History h) throws CowsqlException {
        Op inv = h.invoke(SetWorkload.FINAL_READER + 100, "final-read", KEY, null);
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), "demo",
            cluster.clientOptions(0).withRetryTimeout(Duration.ofSeconds(30)))) {
            List<Long> values = new ArrayList<>();
            List<Object[]> rows;
            try {
                rows = db.queryAll("SELECT value FROM model WHERE key LIKE 'chaos-%' ORDER BY rowid");
            } catch (CowsqlException e) {
                if (e.getMessage() == null || !e.getMessage().contains("no such table")) {
                    throw e;
                }
                rows = List.of(); // no PUT ever reached the agents
            }
            for (Object[] row : rows) {
                // The value, not the key: a key holding another key's value shows as a lost write.
                values.add(Long.parseLong(String.valueOf(row[0])));
            }
            h.complete(inv, Op.Type.OK, null, values, null);
        } catch (CowsqlException e) {
            h.complete(inv, Op.Type.FAIL, null, null, Outcomes.describe(e));
            throw e;
        }
    }
}
