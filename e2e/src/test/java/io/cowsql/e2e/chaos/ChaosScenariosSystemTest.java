package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The smoke set (system tier, what CI runs): one run of two faults of every scenario against three real agents
 * (the second fault comes a quiet time after the first one's heal, on the same cluster); each run must be checked
 * (history, final reads), see both faults healed and pass every checker.
 */
@SystemTier
class ChaosScenariosSystemTest {
    static final Path WORK = Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolveSibling("chaos");
    /** Faults per run: two, as two one-fault runs were before, on one cluster start instead of two. */
    static final int FAULTS = 2;

    /** A fresh three-agent cluster under WORK/{@code name} with the set workload's table. */
    static LocalCluster freshCluster(String name) throws Exception {
        ChaosRun.deleteTree(WORK.resolve(name));
        LocalCluster cluster = LocalCluster.start(WORK.resolve(name), System.getProperty("java.class.path"),
            java.time.Duration.ofSeconds(120));
        new SetWorkload().setup(cluster);
        return cluster;
    }

    @ParameterizedTest
    @EnumSource(value = Scenario.class, names = {"LEADER_KILL", "LEADER_PAUSE", "LEADER_PARTITION", "SPLIT", "FOLLOWER_WIPE", "MIXED"})
    void oneRunOfTwoFaultsPassesEveryChecker(Scenario scenario) throws Exception {
        long seed = 1;
        Path dir = WORK.resolve("smoke-" + scenario.id() + "-" + seed);
        ChaosRun.Result r = ChaosRun.run(ChaosRun.Config.defaults(scenario, seed, dir, System.getProperty("java.class.path"))
            .withFaults(FAULTS).withKeep(true));
        assertThat(r.error()).as("run error, history in " + dir).isNull();
        assertThat(r.verdict().violations()).as("violations, history in " + dir).isEmpty();
        List<Op> h = History.read(dir.resolve("history.jsonl"));
        assertThat(h).filteredOn(op -> op.isNemesis() && "heal".equals(op.f()) && op.type() == Op.Type.OK)
            .as("a heal in force after each fault").hasSize(FAULTS);
        assertThat(h).filteredOn(op -> "final-read".equals(op.f()) && op.type() == Op.Type.OK).hasSize(5);
        assertThat(r.verdict().ok()).as("acknowledged operations").isGreaterThan(20);
        assertThat(Files.readString(dir.resolve("verdict.json"))).contains("\"seed\" : " + seed);
        ChaosRun.deleteTree(dir);
    }
}
