package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Schedules replay from their seed and stay in their scenario's bounds (unit tier). */
class ScheduleTest {
    @Test
    void theSameSeedGivesTheSameScheduleAndNeighbouringSeedsDiffer() {
        assertThat(Scenario.MIXED.schedule(42, 3)).isEqualTo(Scenario.MIXED.schedule(42, 3));
        Set<Long> firstQuiet = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            firstQuiet.add(Scenario.SPLIT.schedule(seed, 1).steps().get(0).quiet().toMillis());
        }
        assertThat(firstQuiet).as("neighbouring seeds give unrelated quiet times").hasSizeGreaterThan(15);
    }

    @Test
    void holdsAreDrawnAroundTheElectionTimeoutWithinTheScenarioBounds() {
        long et = LocalCluster.ELECTION_TIMEOUT.toMillis();
        for (long seed = 0; seed < 200; seed++) {
            for (Schedule.Step s : Scenario.LEADER_PAUSE.schedule(seed, 2).steps()) {
                assertThat(s.fault()).isEqualTo(Fault.PAUSE_LEADER);
                assertThat(s.hold()).isBetween(Duration.ofMillis((long) (1.3 * et)), Duration.ofMillis(3 * et));
                assertThat(s.quiet()).isBetween(Duration.ofMillis((long) (0.3 * et)), Duration.ofMillis(et));
                assertThat(s.pick()).isBetween(0, LocalCluster.NODES - 1);
            }
        }
        Set<Fault> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            Scenario.MIXED.schedule(seed, 2).steps().forEach(s -> seen.add(s.fault()));
        }
        // every fault of the harness's own agents; the testbed's (Node, operator, API server) need the operator's cluster
        assertThat(seen).containsExactlyInAnyOrder(java.util.Arrays.stream(Fault.values())
            .filter(Fault::runsOnLocalCluster).toArray(Fault[]::new));
        assertThat(seen).doesNotContain(Fault.NODE_NOT_READY, Fault.NODE_REMOVED, Fault.OPERATOR_KILL_SCALE_UP,
            Fault.ISOLATE_MEMBER_FROM_API_SERVER, Fault.ISOLATE_OPERATOR_FROM_API_SERVER);
    }

    @Test
    void anUnknownScenarioNamesTheKnownOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.byId("nope"))
            .hasMessageContaining("unknown scenario 'nope'").hasMessageContaining("leader-kill, leader-pause");
    }
}
