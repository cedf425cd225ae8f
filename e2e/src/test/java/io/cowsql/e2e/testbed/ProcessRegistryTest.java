package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PID-file sweep and process-group stop, with plain sleep processes (fast; no control plane). */
class ProcessRegistryTest {
    @Test
    void sweepKillsGroupsRecordedByADeadOwnerOnly(@TempDir Path dir) throws Exception {
        Process owner = new ProcessBuilder("true").start();
        long ownerPid = owner.pid();
        long ownerStart = Procfs.startTime(ownerPid).orElse(1L);
        owner.waitFor();
        Process victim = new ProcessBuilder("setsid", "sleep", "300").start();
        long vStart = waitForStart(victim.pid());
        Files.writeString(dir.resolve(ownerPid + "-dead.pids"),
            "# owner " + ownerPid + " " + ownerStart + "\n" + victim.pid() + " " + vStart + " victim\n");
        // a live owner's file is left alone
        long me = ProcessHandle.current().pid();
        Process keep = new ProcessBuilder("setsid", "sleep", "300").start();
        long kStart = waitForStart(keep.pid());
        Files.writeString(dir.resolve(me + "-alive.pids"), "# owner " + me + " " + Procfs.startTime(me).orElseThrow()
            + "\n" + keep.pid() + " " + kStart + " keep\n");
        try {
            assertThat(ProcessRegistry.sweep(dir)).isEqualTo(1);
            TrivialImage.await(Duration.ofSeconds(5), "victim dead", () -> !victim.isAlive());
            assertThat(keep.isAlive()).isTrue();
            assertThat(dir.resolve(ownerPid + "-dead.pids")).doesNotExist();
            assertThat(dir.resolve(me + "-alive.pids")).exists();
        } finally {
            victim.destroyForcibly();
            keep.destroyForcibly();
        }
    }

    @Test
    void stopReachesTheWholeGroupAndCloseKillsTheRest(@TempDir Path dir) throws Exception {
        ProcessRegistry r = ProcessRegistry.open(dir, "t");
        try {
            ManagedProcess p = ManagedProcess.start("sh", List.of("sh", "-c", "sleep 300 & sleep 300 & wait"),
                Map.of("PATH", "/usr/bin:/bin"), dir, dir.resolve("sh.log"), r);
            ManagedProcess q = ManagedProcess.start("q", List.of("sleep", "300"), Map.of("PATH", "/usr/bin:/bin"),
                dir, dir.resolve("q.log"), r);
            TrivialImage.await(Duration.ofSeconds(5), "children", () -> Procfs.groupMembers(p.pid()).size() == 3);
            assertThat(Files.readString(r.file())).contains(p.pid() + " ").contains(q.pid() + " ");
            p.stop(Duration.ofSeconds(2));
            TrivialImage.await(Duration.ofSeconds(5), "group gone", () -> Procfs.groupMembers(p.pid()).isEmpty());
            assertThat(r.entries()).containsOnlyKeys(q.pid());
            r.close();
            TrivialImage.await(Duration.ofSeconds(5), "q gone", () -> !q.isAlive());
            assertThat(r.file()).doesNotExist();
        } finally {
            r.close();
        }
    }

    private static long waitForStart(long pid) {
        for (int i = 0; i < 50; i++) {
            var st = Procfs.startTime(pid);
            if (st.isPresent()) {
                return st.get();
            }
            ControlPlane.sleep(20);
        }
        throw new AssertionError("no /proc entry for " + pid);
    }
}
