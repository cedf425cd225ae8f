package io.cowsql.client;

import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Admin requests against a real 3-node cowsql-demo cluster, checked against go-cowsql's {@code cowsql} shell. */
class ClusterAdminTest extends OneClusterPerClass {
    static final ClientOptions OPTS = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(20));



    static String goShell(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cluster.engine().shell(), "-s", String.join(",", cluster.addresses()), DemoCluster.DATABASE));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("go shell output: %s", out).isZero();
        return out.strip();
    }

    @Test
    void clusterAndLeaderAgreeWithTheGoShell() throws Exception {
        String goCluster = goShell(".cluster");
        String goLeader = goShell(".leader");
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            List<NodeInfo> members = c.cluster();
            StringBuilder sb = new StringBuilder();
            for (NodeInfo m : members) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(Long.toHexString(m.id())).append('|').append(m.address()).append('|').append(m.role().label());
            }
            assertThat(sb.toString()).isEqualTo(goCluster);
            assertThat(c.leader().address()).isEqualTo(goLeader).isEqualTo(c.address());
            assertThat(members).hasSize(3).allMatch(m -> m.role() == Role.VOTER);
            assertThat(members).extracting(NodeInfo::address).containsExactlyInAnyOrderElementsOf(cluster.addresses());
        }
    }

    @Test
    void everyNodeNamesTheSameLeaderAndAFollowerRefusesWrites() throws Exception {
        String leader;
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            leader = c.address();
        }
        for (String a : cluster.addresses()) {
            try (CowsqlClient c = CowsqlClient.connect(a, OPTS)) {
                assertThat(c.leader().address()).isEqualTo(leader);
                if (!a.equals(leader)) {
                    c.open(DemoCluster.DATABASE);
                    assertThatThrownBy(() -> c.exec("CREATE TABLE IF NOT EXISTS nope (x)"))
                            .isInstanceOf(CowsqlException.class)
                            .satisfies(e -> assertThat(((CowsqlException) e).isLeaderChange()).isTrue());
                }
            }
        }
    }

    @Test
    void addAssignAndRemoveChangeTheConfiguration() throws Exception {
        long id = 0x7e57_0001L;
        String address = "127.0.0.1:" + DemoCluster.freePort();
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.add(id, address);
            assertThat(c.cluster()).contains(new NodeInfo(id, address, Role.SPARE));
            c.assign(id, Role.STANDBY);
            assertThat(c.cluster()).contains(new NodeInfo(id, address, Role.STANDBY));
            c.assign(id, Role.SPARE);
            assertThat(c.cluster()).contains(new NodeInfo(id, address, Role.SPARE));
            c.remove(id);
            assertThat(c.cluster()).extracting(NodeInfo::id).doesNotContain(id).hasSize(3);
        }
    }

    @Test
    void transferMovesLeadershipToTheChosenVoter() throws Exception {
        NodeInfo target;
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            target = c.cluster().stream().filter(m -> !m.address().equals(c.address()) && m.role() == Role.VOTER)
                    .findFirst().orElseThrow();
            c.transfer(target.id());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String now = null;
        while (System.nanoTime() < deadline) {
            try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
                now = c.address();
                if (now.equals(target.address())) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertThat(now).isEqualTo(target.address());
    }

    @Test
    void weightIsReportedByDescribeAndByTheGoShell() throws Exception {
        String a = cluster.addresses().get(1);
        try (CowsqlClient c = CowsqlClient.connect(a, OPTS)) {
            c.weight(7);
            NodeMetadata md = c.describe();
            assertThat(md.weight()).isEqualTo(7);
            assertThat(goShell(".describe " + a)).isEqualTo(a + "|" + md.failureDomain() + "|7");
        }
    }

    @Test
    void dumpWritesADatabaseTheSqliteCliOpens(@TempDir Path out) throws Exception {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            db.exec("CREATE TABLE IF NOT EXISTS dumped (n INTEGER)");
            db.exec("DELETE FROM dumped");
            for (int i = 0; i < 25; i++) {
                db.exec("INSERT INTO dumped(n) VALUES(?)", (long) i);
            }
        }
        String leader;
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            leader = c.address();
        }
        try (CowsqlClient c = CowsqlClient.connect(leader, OPTS)) {
            DumpFiles files = c.dump(DemoCluster.DATABASE);
            assertThat(files.databaseName()).isEqualTo("demo");
            assertThat(files.walName()).isEqualTo("demo-wal");
            Path db = files.writeTo(out);
            Process p = new ProcessBuilder("sqlite3", db.toString(), "SELECT count(*), sum(n) FROM dumped;")
                    .redirectErrorStream(true).start();
            String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(result).isEqualTo("25|300");
        }
    }

    @Test
    void returningIsRefusedBeforeSendingAndTheNodeKeepsAnswering() throws Exception {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            db.exec("CREATE TABLE IF NOT EXISTS ret (id INTEGER PRIMARY KEY, v TEXT)");
            assertThatThrownBy(() -> db.exec("INSERT INTO ret(v) VALUES('x') RETURNING id"))
                    .isInstanceOf(CowsqlException.class)
                    .hasMessageContaining("RETURNING")
                    .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_REFUSED));
            assertThatThrownBy(() -> db.queryAll("insert into ret(v) values(?) returning *", "y"))
                    .isInstanceOf(CowsqlException.class).hasMessageContaining("RETURNING");
            // A literal that merely contains the word is fine.
            db.exec("INSERT INTO ret(v) VALUES('returning soon')");
            assertThat(db.queryAll("SELECT count(*) FROM ret WHERE v = 'returning soon'").get(0)[0]).isEqualTo(1L);
        }
        for (DemoCluster.Node n : cluster.nodes()) {
            assertThat(n.isAlive()).as("node %s alive", n.dbAddress()).isTrue();
        }
    }
}
