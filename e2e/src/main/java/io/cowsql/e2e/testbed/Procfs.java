package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small helpers over /proc and kill(1). Linux only. */
public final class Procfs {
    private Procfs() {}

    /** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), if it exists. */
    public static Optional<Long> startTime(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            String rest = s.substring(s.lastIndexOf(')') + 2);
            String[] f = rest.split(" ");
            return Optional.of(Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Process group of a process, if it exists. */
    public static Optional<Long> processGroup(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            String rest = s.substring(s.lastIndexOf(')') + 2);
            return Optional.of(Long.parseLong(rest.split(" ")[2]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the process exists and (when {@code startTime >= 0}) is the same one we started. */
    public static boolean alive(long pid, long startTime) {
        Optional<Long> st = startTime(pid);
        if (st.isEmpty()) {
            return false;
        }
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return startTime < 0 || st.get() == startTime;
    }

    /** PIDs of every live (not zombie) process whose process group is {@code pgid}. */
    public static List<Long> groupMembers(long pgid) {
        List<Long> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(n);
                if (processGroup(pid).orElse(-1L) == pgid && alive(pid, -1)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
        return out;
    }

    /**
     * Sends {@code sig} to process group {@code pgid}. When {@code leaderStartTime >= 0} the group
     * leader must still be the process we started (guards against PID reuse); a group whose leader
     * already exited is signalled only when {@code leaderStartTime < 0}.
     */
    public static void signalGroup(long pgid, long leaderStartTime, String sig) {
        if (leaderStartTime >= 0 && !alive(pgid, leaderStartTime)) {
            if (groupMembers(pgid).isEmpty()) {
                return;
            }
        }
        run("kill", "-" + sig, "--", "-" + pgid);
    }

    static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
