package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.testbed.NetworkPartitions;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.e2e.testbed.TestbedFixture;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The testbed scenarios with the real operator (system tier, CI's smoke set): one testbed with the operator
 * installed from {@code crds/} and {@code deploy/operator.yaml}; each scenario's run creates a CowsqlCluster
 * in a namespace of its own and plays one fault under the three workloads; every checker must pass. And the
 * testbed's pods are partitionable: each runs under a group id of its own, and a cut from the API server
 * stops exactly that pod's traffic to it.
 */
@SystemTier
class OperatorChaosSystemTest {
    static final Path REPO = OperatorTestbed.repository();

    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withDefaults().inSubdirectory("chaos-operator");

    static OperatorTestbed env;

    @BeforeAll
    static void installTheOperator() {
        env = OperatorTestbed.install(TESTBED.testbed(), REPO);
    }

    @Test
    void aPodRunsUnderItsOwnGroupAndACutFromTheApiServerStopsOnlyItsTraffic() throws Exception {
        Testbed tb = TESTBED.testbed();
        String pod = env.operatorPod().getMetadata().getName();
        String ip = tb.kubelet().podIp(OperatorTestbed.OPERATOR_NAMESPACE, pod).orElseThrow();
        Map<String, Long> pids = tb.kubelet().pids(OperatorTestbed.OPERATOR_NAMESPACE, pod);
        int gid = NetworkPartitions.podGroup(ip);
        // What the kernel says the pod's process runs as (real, effective, saved, filesystem gid).
        String gids = Files.readAllLines(Path.of("/proc/" + pids.get(OperatorTestbed.OPERATOR_CONTAINER) + "/status"))
            .stream().filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow();
        assertThat(gids.split("\\s+")).as(gids).containsExactly("Gid:", "" + gid, "" + gid, "" + gid, "" + gid);

        int api = tb.controlPlane().apiServerPort();
        int otherPod = NetworkPartitions.podGroup(ip.substring(0, ip.lastIndexOf('.') + 1) + "250");
        try (NetworkPartitions p = NetworkPartitions.open(tb.controlPlane().registry())) {
            NetworkPartitions.Endpoint operator = new NetworkPartitions.Endpoint("operator", ip, gid);
            p.cut(operator, NetworkPartitions.Endpoint.server("api-server", "127.0.0.1", api));
            assertThat(TeardownSystemTest.connectsAs(gid, "127.0.0.1", api)).as("the cut pod to the API server").isFalse();
            assertThat(TeardownSystemTest.connectsAs(otherPod, "127.0.0.1", api)).as("another pod to the API server").isTrue();
            assertThat(tb.client().namespaces().withName("default").get()).as("this JVM through the API server").isNotNull();
            assertThat(p.rules()).hasSize(2);
            p.heal();
            assertThat(TeardownSystemTest.connectsAs(gid, "127.0.0.1", api)).as("healed").isTrue();
        }
    }

    /** Live processes under a pod group of this testbed's kubelet block, the operator's pod's excepted. */
    static List<Long> podProcessesBesidesTheOperator() throws Exception {
        Testbed tb = TESTBED.testbed();
        String operatorIp = tb.kubelet().podIp(OperatorTestbed.OPERATOR_NAMESPACE, env.operatorPod().getMetadata().getName())
            .orElseThrow();
        String block = operatorIp.substring(0, operatorIp.indexOf('.', 4) + 1); // 127.B.
        int first = NetworkPartitions.podGroup(block + "0.0");
        int last = NetworkPartitions.podGroup(block + "255.255");
        int operator = NetworkPartitions.podGroup(operatorIp);
        List<Long> out = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String gid = Files.readAllLines(p.resolve("status")).stream().filter(l -> l.startsWith("Gid:"))
                        .findFirst().map(l -> l.split("\\s+")[1]).orElse("-1");
                    long g = Long.parseLong(gid);
                    String state = Files.readAllLines(p.resolve("status")).stream().filter(l -> l.startsWith("State:"))
                        .findFirst().orElse("");
                    if (g >= first && g <= last && g != operator && !state.contains("zombie")) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException e) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Scenario.class, names = {"NODE_NOT_READY", "OPERATOR_KILL", "API_PARTITION", "POD_PARTITION",
        "NODE_REMOVED"})
    void oneRunWithTheOperatorPassesEveryChecker(Scenario scenario) throws Exception {
        long seed = 7;
        Path dir = ChaosScenariosSystemTest.WORK.resolve("smoke-" + scenario.id() + "-" + seed);
        ChaosRun.Result r = ChaosRun.run(ChaosRun.Config.defaults(scenario, seed, dir, System.getProperty("java.class.path"))
            .withFaults(1).withKeep(true).withTestbed(env));
        assertThat(r.error()).as("run error, history and logs in " + dir).isNull();
        assertThat(r.verdict().violations()).as("violations, history in " + dir).isEmpty();
        List<Op> h = History.read(dir.resolve("history.jsonl"));
        List<Op> nemesis = h.stream().filter(Op::isNemesis).toList();
        assertThat(nemesis).extracting(Op::f).contains("heal");
        if (scenario == Scenario.POD_PARTITION) {
            // the leader pod alone, the clients on no side; the voters recorded all along
            assertThat(nemesis).extracting(Op::detail).anySatisfy(d -> assertThat(d).startsWith("partition [n")
                .contains("(the leader)").doesNotContain("c1", "c2"));
            assertThat(h).filteredOn(op -> op.isObserver() && op.type() == Op.Type.OK).isNotEmpty()
                .allSatisfy(op -> assertThat(op.voters()).hasSize(3));
        }
        if (scenario == Scenario.NODE_REMOVED) {
            assertThat(nemesis).extracting(Op::detail).anySatisfy(d -> assertThat(d).contains("deleted, its pod running"));
            assertThat(TESTBED.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
                .as("every Node registered again").containsAll(TESTBED.testbed().kubelet().nodeNames());
        }
        if (scenario == Scenario.OPERATOR_KILL) {
            // the kill came while the operator was scaling up; the run's wait for 5 ready members then passed
            assertThat(nemesis).extracting(Op::detail).anySatisfy(d -> assertThat(d).contains("during the scale-up 3 -> 5"));
        }
        assertThat(h).filteredOn(op -> "final-read".equals(op.f()) && op.type() == Op.Type.OK).hasSize(5);
        assertThat(r.verdict().ok()).as("acknowledged operations").isGreaterThan(20);
        // Nothing of the run is left: no partition chain of this JVM, no namespace of a run, no process under a pod
        // group of this kubelet's block but the operator's.
        assertThat(TeardownSystemTest.iptablesSave().lines()
            .filter(l -> l.contains(TeardownSystemTest.chainsOf(ProcessHandle.current().pid())))).isEmpty();
        assertThat(TESTBED.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
            .noneMatch(n -> n.startsWith("chaos-"));
        assertThat(podProcessesBesidesTheOperator()).as("pids of pod processes left").isEmpty();
        try (var logs = Files.list(dir.resolve("cluster"))) {
            assertThat(logs.map(f -> f.getFileName().toString()).toList()).as("logs kept of a kept run")
                .contains("chaos-0.log", "chaos-1.log", "chaos-2.log");
        }
        ChaosRun.deleteTree(dir);
    }
}
