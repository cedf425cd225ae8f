package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records every process group the testbed starts in a PID file, so that none outlives it:
 * <ul>
 *   <li>{@link #stopAll} on normal shutdown (also run from a JVM shutdown hook);</li>
 *   <li>a watchdog shell process (its own session) that polls the owning JVM every second and,
 *       when the JVM is gone (even by SIGKILL), kills every recorded group and removes the iptables
 *       chains listed next to the PID file ({@link NetworkPartitions});</li>
 *   <li>{@link #sweep} at the next start kills the groups of files whose owner JVM is dead
 *       (the belt to the watchdog's braces), and removes their listed iptables chains.</li>
 * </ul>
 * PID file format, one line per process group: {@code <pgid> <starttime-ticks> <label>}; the first
 * line is {@code # owner <jvm-pid> <jvm-starttime>}. Files live in {@link #defaultDir()}.
 */
public final class ProcessRegistry implements AutoCloseable {
    private static final String WATCHDOG = """
        owner=$1; ownerstart=$2; file=$3
        st() { sed -e 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f20; }
        while [ -f "$file" ]; do
          if [ "$(st $owner)" != "$ownerstart" ]; then
            for sig in TERM KILL; do
              grep -v '^#' "$file" | while read pid start label; do
                if [ "$(st $pid)" = "$start" ] || pgrep -g $pid >/dev/null 2>&1; then kill -$sig -- -$pid 2>/dev/null; fi
              done
              [ $sig = TERM ] && sleep 2
            done
            # Network partitions of this owner (NetworkPartitions): remove its iptables chains.
            if [ -f "$file.iptables" ]; then
              while read ipt chain; do
                $ipt -w 5 -D OUTPUT -j "$chain"; $ipt -w 5 -F "$chain"; $ipt -w 5 -X "$chain"
              done < "$file.iptables" >/dev/null 2>&1
              rm -f "$file.iptables"
            fi
            rm -f "$file"
            exit 0
          fi
          sleep 1
        done
        """;

    private final Path file;
    private final Map<Long, String> entries = new LinkedHashMap<>();
    private Process watchdog;

    private ProcessRegistry(Path file) {
        this.file = file;
    }

    /** Directory of PID files shared by every testbed on this machine. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "cowsql-testbed-pids");
    }

    /** Sweeps leftovers of dead JVMs in {@code dir}, then opens a fresh registry with a watchdog. */
    public static ProcessRegistry open(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            sweep(dir);
            long me = ProcessHandle.current().pid();
            long myStart = Procfs.startTime(me).orElseThrow();
            Path f = dir.resolve(me + "-" + name + ".pids");
            ProcessRegistry r = new ProcessRegistry(f);
            r.write(me, myStart);
            r.watchdog = new ProcessBuilder("setsid", "bash", "-c", WATCHDOG, "watchdog",
                Long.toString(me), Long.toString(myStart), f.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills recorded groups of PID files whose owner JVM is gone; returns how many groups were signalled. */
    public static int sweep(Path dir) {
        int killed = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().endsWith(".pids")) {
                    continue;
                }
                List<String> lines;
                try {
                    lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    continue;
                }
                if (lines.isEmpty() || !lines.get(0).startsWith("# owner ")) {
                    continue;
                }
                String[] o = lines.get(0).split(" ");
                if (Procfs.alive(Long.parseLong(o[2]), Long.parseLong(o[3]))) {
                    continue; // owner alive: not ours to sweep
                }
                List<long[]> groups = new ArrayList<>();
                for (String l : lines.subList(1, lines.size())) {
                    String[] p = l.split(" ", 3);
                    if (p.length >= 2) {
                        groups.add(new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])});
                    }
                }
                for (long[] g : groups) {
                    if (Procfs.alive(g[0], g[1]) || !Procfs.groupMembers(g[0]).isEmpty()) {
                        Procfs.signalGroup(g[0], -1, "KILL");
                        killed++;
                    }
                }
                NetworkPartitions.removeListed(NetworkPartitions.listFile(f));
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return killed;
    }

    public Path file() {
        return file;
    }

    synchronized void add(long pgid, long startTime, String label) {
        entries.put(pgid, startTime + " " + label.replace('\n', ' '));
        flush();
    }

    synchronized void remove(long pgid) {
        if (entries.remove(pgid) != null) {
            flush();
        }
    }

    /** Recorded process groups (pgid -> "starttime label"). */
    public synchronized Map<Long, String> entries() {
        return new LinkedHashMap<>(entries);
    }

    /** SIGKILLs every recorded group still alive. */
    public synchronized void killAll() {
        for (Map.Entry<Long, String> e : entries.entrySet()) {
            long st = Long.parseLong(e.getValue().split(" ", 2)[0]);
            Procfs.signalGroup(e.getKey(), -1, "CONT");
            Procfs.signalGroup(e.getKey(), st, "KILL");
        }
        entries.clear();
        flush();
    }

    private void write(long owner, long ownerStart) throws IOException {
        Files.writeString(file, "# owner " + owner + " " + ownerStart + "\n");
    }

    private void flush() {
        if (!Files.exists(file)) {
            return; // closed
        }
        StringBuilder sb = new StringBuilder();
        try {
            sb.append(Files.readAllLines(file).get(0)).append('\n');
            entries.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills what is left, removes the PID file (which also ends the watchdog). */
    @Override
    public synchronized void close() {
        killAll();
        NetworkPartitions.removeListed(NetworkPartitions.listFile(file));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (watchdog != null) {
            try {
                if (!watchdog.waitFor(3, TimeUnit.SECONDS)) {
                    watchdog.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                watchdog.destroyForcibly();
            }
        }
    }

    /** PID of the watchdog process (for tests). */
    public long watchdogPid() {
        return watchdog.pid();
    }
}
