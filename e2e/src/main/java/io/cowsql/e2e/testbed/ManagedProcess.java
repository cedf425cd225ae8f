package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child process started in its own session and process group (via {@code setsid}), so that
 * signals reach it and every process it forks, and it is recorded in a {@link ProcessRegistry}
 * so that nothing outlives the testbed.
 */
public final class ManagedProcess {
    private final String label;
    private final Process process;
    private final long pid;
    private final long startTime;
    private final Path log;
    private final ProcessRegistry registry;

    private ManagedProcess(String label, Process process, long startTime, Path log, ProcessRegistry registry) {
        this.label = label;
        this.process = process;
        this.pid = process.pid();
        this.startTime = startTime;
        this.log = log;
        this.registry = registry;
    }

    /**
     * Starts {@code command} with exactly {@code env} as its environment, in {@code dir}, stdout and
     * stderr appended to {@code log}, as the leader of a new process group.
     */
    public static ManagedProcess start(String label, List<String> command, Map<String, String> env, Path dir,
                                       Path log, ProcessRegistry registry) throws IOException {
        List<String> full = new ArrayList<>(command.size() + 1);
        full.add("setsid");
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        synchronized (registry) {
            Process p = pb.start();
            long st = Procfs.startTime(p.pid()).orElse(0L);
            ManagedProcess mp = new ManagedProcess(label, p, st, log, registry);
            registry.add(mp.pid, st, label);
            return mp;
        }
    }

    public String label() { return label; }
    public long pid() { return pid; }
    public Path log() { return log; }
    public boolean isAlive() { return process.isAlive(); }
    public Process process() { return process; }

    /** Exit code if the process has ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Sends a signal (TERM, KILL, STOP, CONT, ...) to the whole process group. */
    public void signal(String sig) {
        Procfs.signalGroup(pid, startTime, sig);
    }

    /** SIGTERM to the group, wait up to {@code grace}, then SIGKILL; waits for the leader to be reaped. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            signal("CONT");
            signal("TERM");
            try {
                if (!process.waitFor(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
                    signal("KILL");
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                signal("KILL");
            }
        }
        // Members of the group that outlived the leader.
        Procfs.signalGroup(pid, -1, "KILL");
        registry.remove(pid);
    }

    /** SIGKILL to the group right away. */
    public void kill() {
        signal("KILL");
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.remove(pid);
    }

    @Override
    public String toString() {
        return label + "[pid " + pid + "]";
    }
}
