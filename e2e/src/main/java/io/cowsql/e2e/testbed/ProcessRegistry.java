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
 *       when the JVM is gone (even by SIGKILL), kills every recorded group, runs the teardown scripts
 *       listed next to the PID file ({@link #addCleanup}) and removes the iptables chains listed there
 *       ({@link NetworkPartitions});</li>
 *   <li>{@link #sweep} at the next start kills the groups of files whose owner JVM is dead
 *       (the belt to the watchdog's braces), runs their teardown scripts and removes their listed
 *       iptables chains.</li>
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
            # Teardown scripts of this owner (RealNodes: mounts, cgroups, devices, sysctls), one path a line.
            if [ -f "$file.cleanup" ]; then
              while read script; do bash "$script" </dev/null; done < "$file.cleanup" >/dev/null 2>&1
              rm -f "$file.cleanup"
            fi
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
                runCleanups(cleanupFile(f));
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

    /**
     * Lists {@code script} (a bash script, idempotent, that undoes what the process groups left behind:
     * mounts, cgroups, devices, sysctls) in {@code <pid-file>.cleanup}: it runs after every recorded group
     * was killed, from {@link #close()}, from the watchdog when the JVM died (even by SIGKILL) and from the
     * next start's {@link #sweep}. Listed before the things it removes exist.
     */
    public synchronized void addCleanup(Path script) {
        try {
            Files.writeString(cleanupFile(file), script.toAbsolutePath() + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code script} now (e.g. at an orderly stop) and takes it off the list. */
    public synchronized void runCleanup(Path script) {
        Path list = cleanupFile(file);
        runScript(script.toAbsolutePath());
        try {
            if (Files.exists(list)) {
                List<String> rest = Files.readAllLines(list).stream()
                    .filter(l -> !l.equals(script.toAbsolutePath().toString())).toList();
                Files.write(list, rest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path cleanupFile(Path pidFile) {
        return pidFile.resolveSibling(pidFile.getFileName() + ".cleanup");
    }

    private static void runCleanups(Path list) {
        if (!Files.exists(list)) {
            return;
        }
        try {
            for (String script : Files.readAllLines(list)) {
                if (!script.isBlank()) {
                    runScript(Path.of(script));
                }
            }
            Files.deleteIfExists(list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void runScript(Path script) {
        if (!Files.exists(script)) {
            return;
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("teardown script " + script + " did not finish in 120 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
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
        runCleanups(cleanupFile(file));
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
