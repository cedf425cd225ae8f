package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A userspace stand-in for kube-proxy: each ClusterIP Service gets a loopback address of its own
 * (its name resolves to it through the resolver and hosts files) and a TCP listener per service port
 * that forwards each connection to one of the Service's ready endpoints, round robin.
 */
final class ServiceProxies implements AutoCloseable {
    /** One endpoint: pod IP and target port. */
    record Endpoint(String ip, int port) {}

    /** A listener for one service port. */
    private final class Listener implements Runnable {
        final String key;
        final ServerSocket server;
        volatile List<Endpoint> endpoints = List.of();
        final AtomicInteger next = new AtomicInteger();
        final Thread thread;

        Listener(String key, String ip, int port) throws IOException {
            this.key = key;
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 64);
            this.thread = new Thread(this, "service-proxy-" + key);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (!closed && !server.isClosed()) {
                Socket in;
                try {
                    in = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                List<Endpoint> eps = endpoints;
                if (eps.isEmpty()) {
                    closeQuietly(in); // no ready endpoint: connection refused, as it were
                    continue;
                }
                Endpoint ep = eps.get(Math.floorMod(next.getAndIncrement(), eps.size()));
                Thread t = new Thread(() -> forward(in, ep), "service-proxy-conn-" + key);
                t.setDaemon(true);
                t.start();
            }
        }

        void close() {
            closeQuietly(server);
        }
    }

    private final Map<String, Listener> listeners = new HashMap<>();
    private final Consumer<String> log;
    private volatile boolean closed;

    ServiceProxies(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Makes the listeners match {@code wanted}: key "ns/name/port" -> (ip, port, endpoints). Listeners
     * whose key is gone are closed.
     */
    synchronized void sync(Map<String, Object[]> wanted) {
        if (closed) {
            return;
        }
        for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().close();
                it.remove();
            }
        }
        for (var e : wanted.entrySet()) {
            String ip = (String) e.getValue()[0];
            int port = (Integer) e.getValue()[1];
            @SuppressWarnings("unchecked")
            List<Endpoint> eps = (List<Endpoint>) e.getValue()[2];
            Listener l = listeners.get(e.getKey());
            if (l == null) {
                try {
                    l = new Listener(e.getKey(), ip, port);
                    listeners.put(e.getKey(), l);
                } catch (IOException ex) {
                    log.accept("service proxy " + e.getKey() + " on " + ip + ":" + port + ": " + ex);
                    continue;
                }
            }
            l.endpoints = List.copyOf(eps);
        }
    }

    synchronized Set<String> keys() {
        return Set.copyOf(listeners.keySet());
    }

    private final Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void forward(Socket in, Endpoint ep) {
        Socket out = new Socket();
        open.add(in);
        open.add(out);
        AtomicInteger running = new AtomicInteger(2);
        Runnable done = () -> {
            if (running.decrementAndGet() == 0) {
                closeQuietly(in);
                closeQuietly(out);
                open.remove(in);
                open.remove(out);
            }
        };
        try {
            out.connect(new InetSocketAddress(ep.ip(), ep.port()), 2000);
        } catch (IOException e) {
            running.set(1);
            done.run();
            return;
        }
        Thread back = new Thread(() -> {
            pipe(out, in);
            done.run();
        }, "service-proxy-back");
        back.setDaemon(true);
        back.start();
        pipe(in, out);
        done.run();
    }

    /** Copies until EOF, then half-closes the other side; on an error closes both. */
    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream i = from.getInputStream();
            OutputStream o = to.getOutputStream();
            for (int n; (n = i.read(buf)) >= 0; ) {
                o.write(buf, 0, n);
                o.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Listener l : new ArrayList<>(listeners.values())) {
            l.close();
        }
        listeners.clear();
        for (Socket so : open) {
            closeQuietly(so);
        }
        open.clear();
    }
}
