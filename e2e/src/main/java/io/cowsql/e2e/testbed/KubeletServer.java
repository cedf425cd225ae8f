package io.cowsql.e2e.testbed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The slice of the kubelet API that the API server proxies for {@code kubectl logs}:
 * {@code GET /containerLogs/{namespace}/{pod}/{container}} with {@code tailLines}, {@code limitBytes}
 * and {@code follow}. One HTTPS listener per node on the node's InternalIP (self-signed certificate made
 * with keytool; the API server does not verify kubelet certificates unless told to).
 */
final class KubeletServer implements AutoCloseable {
    /** Resolves (namespace, pod, container) to a log file and whether the pod is still running. */
    interface Logs {
        Path file(String namespace, String pod, String container);

        boolean running(String namespace, String pod);
    }

    private final List<HttpsServer> servers = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kubelet-api");
        t.setDaemon(true);
        return t;
    });
    private final int port;
    private final Logs logs;
    private SSLContext ssl;
    private volatile boolean closed;

    private KubeletServer(int port, Logs logs) {
        this.port = port;
        this.logs = logs;
    }

    int port() {
        return port;
    }

    static KubeletServer start(Path dir, List<String> ips, Logs logs) throws IOException {
        Path ks = dir.resolve("kubelet-server.p12");
        char[] pw = "testbed".toCharArray();
        if (!Files.exists(ks)) {
            StringBuilder san = new StringBuilder("SAN=dns:localhost");
            for (String ip : ips) {
                san.append(",ip:").append(ip);
            }
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "kubelet", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "3650", "-dname", "CN=testbed-kubelet", "-ext", san.toString(),
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "testbed", "-keypass", "testbed")
                .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        SSLContext ssl;
        try (InputStream in = Files.newInputStream(ks)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, pw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, pw);
            ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), null, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("kubelet server certificate: " + e, e);
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            KubeletServer k = new KubeletServer(ControlPlane.freePort(), logs);
            k.ssl = ssl;
            try {
                for (String ip : ips) {
                    k.listen(ip);
                }
                return k;
            } catch (IOException e) {
                last = e; // port taken on one of the addresses: another port
                k.close();
            }
        }
        throw last;
    }

    private final java.util.Set<String> listening = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Listens on {@code ip} too (a node added later), on the same port. */
    synchronized void listen(String ip) throws IOException {
        if (!listening.add(ip)) {
            return;
        }
        HttpsServer s = HttpsServer.create(new InetSocketAddress(ip, port), 32);
        s.setHttpsConfigurator(new HttpsConfigurator(ssl));
        s.setExecutor(executor);
        s.createContext("/healthz", x -> reply(x, 200, "ok"));
        s.createContext("/containerLogs/", this::containerLogs);
        s.start();
        servers.add(s);
    }

    private void containerLogs(HttpExchange x) throws IOException {
        try {
            String[] p = x.getRequestURI().getPath().substring("/containerLogs/".length()).split("/");
            if (p.length != 3) {
                reply(x, 400, "want /containerLogs/{namespace}/{pod}/{container}");
                return;
            }
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            Path f = logs.file(p[0], p[1], p[2]);
            if (f == null || !Files.exists(f)) {
                reply(x, 404, "container \"" + p[2] + "\" in pod \"" + p[1] + "\" has no log");
                return;
            }
            long start = 0;
            long size = Files.size(f);
            if (q.containsKey("tailLines")) {
                start = tailOffset(f, Integer.parseInt(q.get("tailLines")));
            }
            long limit = q.containsKey("limitBytes") ? Long.parseLong(q.get("limitBytes")) : Long.MAX_VALUE;
            boolean follow = "true".equals(q.get("follow"));
            x.getResponseHeaders().set("Content-Type", "text/plain");
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody(); RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
                long pos = start;
                long sent = 0;
                byte[] buf = new byte[8192];
                while (sent < limit && !closed) {
                    raf.seek(pos);
                    int n = raf.read(buf, 0, (int) Math.min(buf.length, limit - sent));
                    if (n > 0) {
                        out.write(buf, 0, n);
                        pos += n;
                        sent += n;
                        continue;
                    }
                    if (!follow || !logs.running(p[0], p[1])) {
                        break;
                    }
                    out.flush();
                    Thread.sleep(200);
                }
            }
            x.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            x.close();
        } catch (IOException | RuntimeException e) {
            x.close(); // client went away (follow), or a bad request
        }
    }

    /** Byte offset where the last {@code lines} lines of the file start. */
    static long tailOffset(Path f, int lines) throws IOException {
        if (lines <= 0) {
            return Files.size(f);
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long pos = raf.length();
            int seen = 0;
            if (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n') {
                    pos--; // the final newline ends the last line
                }
            }
            while (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n' && ++seen == lines) {
                    return pos;
                }
                pos--;
            }
            return 0;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static void reply(HttpExchange x, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (HttpsServer s : servers) {
            s.stop(0);
        }
        executor.shutdownNow();
    }
}
