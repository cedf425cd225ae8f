package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Runs httpGet, tcpSocket and exec actions (probes and lifecycle hooks) against a pod's loopback IP. */
final class Probes {
    private Probes() {}

    /** One probe's schedule and counters. */
    static final class State {
        final Probe probe;
        long nextAtNanos;
        int successes;
        int failures;
        boolean result;
        String lastMessage = "";

        State(Probe probe, long startNanos, boolean initial) {
            this.probe = probe;
            this.result = initial;
            this.nextAtNanos = startNanos + TimeUnit.SECONDS.toNanos(nz(probe.getInitialDelaySeconds(), 0));
        }

        int period() { return Math.max(1, nz(probe.getPeriodSeconds(), 10)); }
        int timeout() { return Math.max(1, nz(probe.getTimeoutSeconds(), 1)); }
        int successThreshold() { return Math.max(1, nz(probe.getSuccessThreshold(), 1)); }
        int failureThreshold() { return Math.max(1, nz(probe.getFailureThreshold(), 3)); }

        /** Records an outcome; returns true when the overall result flipped. */
        boolean record(boolean ok, String message) {
            lastMessage = message;
            boolean before = result;
            if (ok) {
                failures = 0;
                if (++successes >= successThreshold()) {
                    result = true;
                }
            } else {
                successes = 0;
                if (++failures >= failureThreshold()) {
                    result = false;
                }
            }
            return before != result;
        }
    }

    static int nz(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    /** Outcome of one action: ok, and a message for events/logs. */
    record Outcome(boolean ok, String message) {}

    static Outcome run(Probe p, Container c, String podIp, Map<String, String> env, Path dir, int timeoutSeconds,
                       java.util.function.Function<String, String> translate) {
        if (p.getHttpGet() != null) {
            return httpGet(p.getHttpGet(), c, podIp, timeoutSeconds);
        }
        if (p.getTcpSocket() != null) {
            return tcp(p.getTcpSocket(), c, podIp, timeoutSeconds);
        }
        if (p.getExec() != null) {
            return exec(p.getExec(), env, dir, timeoutSeconds, translate);
        }
        return new Outcome(false, "probe has no action");
    }

    static int port(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name);
        }
        if (c.getPorts() != null) {
            for (ContainerPort cp : c.getPorts()) {
                if (name.equals(cp.getName())) {
                    return cp.getContainerPort();
                }
            }
        }
        throw new IllegalArgumentException("no container port named " + name);
    }

    static Outcome httpGet(HTTPGetAction a, Container c, String podIp, int timeoutSeconds) {
        try {
            String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
            String scheme = a.getScheme() == null ? "http" : a.getScheme().toLowerCase();
            String path = a.getPath() == null || a.getPath().isEmpty() ? "/" : a.getPath();
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            URL url = new URL(scheme + "://" + host + ":" + port(a.getPort(), c) + path);
            HttpURLConnection conn = (HttpURLConnection) url.openConnection();
            if (conn instanceof HttpsURLConnection s) {
                s.setSSLSocketFactory(TRUST_ALL.getSocketFactory());
                s.setHostnameVerifier((h, sess) -> true);
            }
            conn.setConnectTimeout(timeoutSeconds * 1000);
            conn.setReadTimeout(timeoutSeconds * 1000);
            conn.setInstanceFollowRedirects(false);
            conn.setRequestProperty("User-Agent", "kube-probe/1.20");
            if (a.getHttpHeaders() != null) {
                a.getHttpHeaders().forEach(h -> conn.setRequestProperty(h.getName(), h.getValue()));
            }
            int code = conn.getResponseCode();
            try (InputStream in = code < 400 ? conn.getInputStream() : conn.getErrorStream()) {
                if (in != null) {
                    in.readNBytes(10 * 1024);
                }
            }
            conn.disconnect();
            return new Outcome(code >= 200 && code < 400, "HTTP " + code + " from " + url);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "httpGet failed: " + e);
        }
    }

    static Outcome tcp(TCPSocketAction a, Container c, String podIp, int timeoutSeconds) {
        String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
        try (Socket s = new Socket()) {
            int port = port(a.getPort(), c);
            s.connect(new InetSocketAddress(host, port), timeoutSeconds * 1000);
            return new Outcome(true, "tcp " + host + ":" + port + " open");
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "tcp failed: " + e);
        }
    }

    static Outcome exec(ExecAction a, Map<String, String> env, Path dir, int timeoutSeconds,
                        java.util.function.Function<String, String> translate) {
        List<String> cmd = a.getCommand().stream().map(translate).toList();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Outcome(false, "exec timed out: " + cmd);
            }
            return new Outcome(p.exitValue() == 0, "exec " + cmd + " exit " + p.exitValue() + ": "
                + new String(out, java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Outcome(false, "exec failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    private static final SSLContext TRUST_ALL = trustAll();

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String t) {}
                @Override public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String t) {}
                @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, new java.security.SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
