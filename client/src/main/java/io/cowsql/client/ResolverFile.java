package io.cowsql.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * An {@link AddressResolver} read from a file that maps the names nodes are
 * known by in the cluster to addresses to dial, re-read when it changes. The
 * node agent, the shell and the operator use it where cluster names have no
 * DNS (the Kubernetes testbed writes one: e2e/README.md).
 *
 * <p>Format: one mapping per line, {@code NAME TARGET} or {@code NAME=TARGET},
 * {@code #} comments. NAME is {@code host} or {@code host:port}; TARGET is
 * {@code ip} (the port is kept) or {@code ip:port}. {@code host:port} entries
 * win over {@code host} entries; unmapped addresses resolve to themselves.
 */
public final class ResolverFile implements AddressResolver {
    private static final Logger LOG = Logger.getLogger(ResolverFile.class.getName());
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final Path file;
    private volatile Map<String, String> map = Map.of();
    private volatile FileTime loaded;
    private volatile long checkedAt;

    private ResolverFile(Path file) {
        this.file = file;
    }

    /** Loads {@code file} now (it must exist and parse); later changes are picked up within a second. */
    public static ResolverFile load(Path file) throws IOException {
        ResolverFile r = new ResolverFile(file);
        r.reload(true);
        return r;
    }

    /** Parses the format into NAME → TARGET; a malformed line is an error naming its number. */
    public static Map<String, String> parse(String content) {
        Map<String, String> m = new HashMap<>();
        int n = 0;
        for (String line : content.split("\n")) {
            n++;
            String l = line.trim();
            int hash = l.indexOf('#');
            if (hash >= 0) {
                l = l.substring(0, hash).trim();
            }
            if (l.isEmpty()) {
                continue;
            }
            String[] parts = l.contains("=") ? l.split("=", 2) : l.split("\\s+", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("line " + n + ": expected NAME TARGET, got '" + line.trim() + "'");
            }
            m.put(parts[0].trim(), parts[1].trim());
        }
        return m;
    }

    private void reload(boolean strict) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        if (mtime.equals(loaded)) {
            return;
        }
        try {
            map = Map.copyOf(parse(Files.readString(file, StandardCharsets.UTF_8)));
            loaded = mtime;
            LOG.fine(() -> "resolver file " + file + ": " + map.size() + " entries");
        } catch (IllegalArgumentException e) {
            if (strict) {
                throw new IOException("resolver file " + file + ": " + e.getMessage());
            }
            // A half-written update: keep the last good map until the next change.
            LOG.warning("resolver file " + file + ": change ignored: " + e.getMessage());
            loaded = mtime;
        }
    }

    private void maybeReload() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        try {
            reload(false);
        } catch (IOException e) {
            // The file is gone or unreadable for a moment: keep the last good map.
        }
    }

    @Override
    public String resolve(String clusterAddress) {
        maybeReload();
        Map<String, String> m = map;
        String exact = m.get(clusterAddress);
        if (exact != null) {
            return withPort(exact, clusterAddress);
        }
        String byHost = m.get(HostPort.parse(clusterAddress).host());
        return byHost == null ? clusterAddress : withPort(byHost, clusterAddress);
    }

    private static String withPort(String target, String original) {
        try {
            HostPort.parse(target);
            return target;
        } catch (IllegalArgumentException noPort) {
            return new HostPort(target, HostPort.parse(original).port()).toString();
        }
    }
}
