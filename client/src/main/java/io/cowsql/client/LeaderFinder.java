package io.cowsql.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Leader discovery as go-cowsql does it: ask each
 * known node for the leader, follow the hint, accept a connection only when
 * the node it reaches reports itself as leader; retry rounds with capped
 * exponential backoff until the retry timeout.
 */
final class LeaderFinder {
    private final List<String> addresses;
    private final ClientOptions options;

    LeaderFinder(List<String> addresses, ClientOptions options) {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("no node addresses given: pass at least one host:port");
        }
        // The same node listed twice would only be asked twice.
        this.addresses = new ArrayList<>(new LinkedHashSet<>(addresses));
        this.options = options;
    }

    CowsqlClient find() throws CowsqlException {
        return find(System.nanoTime() + options.retryTimeout().toNanos(), options.retryTimeout().toMillis());
    }

    /** Gives up at {@code deadlineNanos}: each connect and probe is cut to the time left. */
    CowsqlClient find(long deadlineNanos) throws CowsqlException {
        return find(deadlineNanos, Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L));
    }

    private CowsqlClient find(long deadline, long boundMillis) throws CowsqlException {
        long backoff = options.backoffMin().toNanos();
        CowsqlException last = null;
        Set<String> tried = new LinkedHashSet<>();
        while (true) {
            for (String address : addresses) {
                if (System.nanoTime() >= deadline) {
                    break;
                }
                tried.add(address);
                try {
                    CowsqlClient c = tryVia(address, deadline);
                    if (c != null) {
                        return c;
                    }
                } catch (CowsqlException e) {
                    last = e;
                }
            }
            long now = System.nanoTime();
            if (now + backoff > deadline) {
                throw new NoLeaderException("no leader found among " + tried + " within " + boundMillis + " ms"
                        + (last == null ? " (no node knows a leader)" : "; last error: " + last.getMessage()), last);
            }
            sleep(backoff, "looking for the leader");
            backoff = Math.min(backoff * 2, options.backoffMax().toNanos());
        }
    }

    /** {@code d}, cut to the time left before {@code deadline} (at least 1 ms, so a step fails rather than waits). */
    static Duration capped(Duration d, long deadline) {
        long left = deadline - System.nanoTime();
        return left >= d.toNanos() ? d : Duration.ofNanos(Math.max(left, 1_000_000L));
    }

    /** One attempt through {@code address}: the leader's connection, or null when this node knows no leader. */
    private CowsqlClient tryVia(String address, long deadline) throws CowsqlException {
        CowsqlClient c = connect(address, deadline);
        try {
            NodeInfo leader = c.leader(capped(options.connectTimeout(), deadline));
            if (leader.address().isEmpty()) {
                c.close();
                return null;
            }
            if (leader.address().equals(address)) {
                return registered(c, deadline);
            }
            c.close();
            CowsqlClient l = connect(leader.address(), deadline);
            try {
                NodeInfo self = l.leader(capped(options.connectTimeout(), deadline));
                if (self.address().equals(leader.address())) {
                    return registered(l, deadline);
                }
                l.close();
                return null;
            } catch (CowsqlException | RuntimeException e) {
                l.close();
                throw e;
            }
        } catch (CowsqlException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private CowsqlClient connect(String address, long deadline) throws CowsqlException {
        Duration t = capped(options.connectTimeout(), deadline);
        return CowsqlClient.connect(address, t.equals(options.connectTimeout()) ? options : options.withConnectTimeout(t));
    }

    private CowsqlClient registered(CowsqlClient c, long deadline) throws CowsqlException {
        c.hello(capped(options.requestTimeout(), deadline));
        return c;
    }

    /** Sleeps between retries; an interrupt ends the retrying with an exception that says during what. */
    static void sleep(long nanos, String during) throws CowsqlException {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CowsqlException("interrupted while " + during, "08001", CowsqlException.CLIENT_IO, e);
        }
    }
}
