package io.cowsql.e2e.testbed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The "trivial image" of the system tests: an HTTP server on {@code --ip}:{@code --port} that appends a
 * line to {@code --data}/boot.log at start and serves:
 * /healthz, /boot (boot.log), /env/NAME, /file?path=P (a host file), /mount/NAME/FILE (a file under the
 * path given as {@code --mount-NAME=PATH}, which the kubelet translated), /resolve/NAME (via
 * $TESTBED_HOSTS_FILE), /unhealthy (makes /healthz answer 500).
 */
public final class TrivialServer {
    public static void main(String[] args) throws IOException {
        String ip = "127.0.0.1";
        int port = 8080;
        Path data = null;
        java.util.Map<String, Path> mounts = new java.util.HashMap<>();
        for (String a : args) {
            if (a.startsWith("--mount-")) {
                int eq = a.indexOf('=');
                mounts.put(a.substring(8, eq), Path.of(a.substring(eq + 1)));
            }
            if (a.startsWith("--ip=")) ip = a.substring(5);
            else if (a.startsWith("--port=")) port = Integer.parseInt(a.substring(7));
            else if (a.startsWith("--data=")) data = Path.of(a.substring(7));
        }
        Path boot = data == null ? null : data.resolve("boot.log");
        if (boot != null) {
            Files.createDirectories(data);
            Files.writeString(boot, "boot " + Instant.now() + " pid " + ProcessHandle.current().pid() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        AtomicBoolean healthy = new AtomicBoolean(true);
        HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 16);
        s.createContext("/healthz", x -> reply(x, healthy.get() ? 200 : 500, healthy.get() ? "ok" : "sick"));
        s.createContext("/unhealthy", x -> {
            healthy.set(false);
            reply(x, 200, "now unhealthy");
        });
        s.createContext("/boot", x -> reply(x, 200, boot != null && Files.exists(boot) ? Files.readString(boot) : ""));
        s.createContext("/env/", x -> {
            String n = x.getRequestURI().getPath().substring(5);
            String v = System.getenv(n);
            reply(x, v == null ? 404 : 200, v == null ? "" : v);
        });
        s.createContext("/file", x -> {
            String q = x.getRequestURI().getRawQuery();
            Path p = Path.of(URLDecoder.decode(q.substring(q.indexOf('=') + 1), StandardCharsets.UTF_8));
            reply(x, Files.exists(p) ? 200 : 404, Files.exists(p) ? Files.readString(p) : "");
        });
        s.createContext("/mount/", x -> {
            String[] parts = x.getRequestURI().getPath().substring(7).split("/", 2);
            Path base = mounts.get(parts[0]);
            Path p = base == null ? null : base.resolve(parts[1]);
            boolean ok = p != null && Files.isRegularFile(p);
            reply(x, ok ? 200 : 404, ok ? Files.readString(p) : "");
        });
        s.createContext("/resolve/", x -> {
            String n = x.getRequestURI().getPath().substring(9);
            String f = System.getenv("TESTBED_HOSTS_FILE");
            var r = f == null ? java.util.Optional.<String>empty() : HostsFile.lookup(Path.of(f), n);
            reply(x, r.isPresent() ? 200 : 404, r.orElse(""));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (boot != null) {
                try {
                    Files.writeString(boot.resolveSibling("shutdown.log"), "sigterm " + Instant.now() + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    // ignore
                }
            }
        }));
        s.start();
        System.out.println("trivial server on " + ip + ":" + port);
    }

    private static void reply(HttpExchange x, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }
}
