package io.cowsql.client.jdbc;

import io.cowsql.client.CowsqlException;
import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGKILL the leader while a JDBC insert loop runs: the driver follows the new leader, no acknowledged insert is lost. */
class JdbcFailoverTest extends OneClusterPerClass {



    /** A write's outcome is unknown when its connection broke after sending it, or the leader lost leadership mid-commit. */
    static boolean outcomeUnknown(SQLException e) {
        if ("08007".equals(e.getSQLState())) {
            return true;
        }
        return e instanceof CowsqlException && (((CowsqlException) e).code() == CowsqlException.LEADERSHIP_LOST
                || ((CowsqlException) e).code() == CowsqlException.LEADERSHIP_LOST_LEGACY);
    }

    @Test
    void killingTheLeaderMidLoopLosesNoAcknowledgedInsert() throws Exception {
        String url = "jdbc:cowsql://" + String.join(",", cluster.addresses()) + "/" + DemoCluster.DATABASE
                + "?retryTimeout=30000&requestTimeout=10000";
        int total = 600;
        int killAfter = 150;
        List<Integer> acknowledged = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        List<String> unknownErrors = new ArrayList<>();
        AtomicInteger progress = new AtomicInteger();
        AtomicReference<String> killed = new AtomicReference<>();
        int acknowledgedBeforeKill;
        String leaderBefore;
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE failover (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            leaderBefore = ((CowsqlConnection) c).leaderAddress();
            Thread killer = new Thread(() -> {
                try {
                    while (progress.get() < killAfter) {
                        Thread.sleep(1);
                    }
                    killed.set(leaderBefore);
                    cluster.kill(cluster.byAddress(leaderBefore));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "leader-killer");
            killer.start();
            int i = 0;
            try (PreparedStatement p = c.prepareStatement("INSERT INTO failover (id, v) VALUES (?, ?)")) {
                for (; i < total; i++) {
                    p.setInt(1, i);
                    p.setString(2, "row " + i);
                    try {
                        assertThat(p.executeUpdate()).isEqualTo(1);
                        acknowledged.add(i);
                    } catch (SQLException e) {
                        if (!outcomeUnknown(e)) {
                            throw new AssertionError("insert " + i + " failed with something other than an unknown "
                                    + "outcome (state " + e.getSQLState() + ")", e);
                        }
                        unknown.add(i);
                        unknownErrors.add(e.getMessage());
                    }
                    progress.incrementAndGet();
                }
            }
            killer.join(30_000);
            assertThat(i).as("the loop ran to the end").isEqualTo(total);
            assertThat(killed.get()).as("the leader was killed during the loop").isEqualTo(leaderBefore);
            acknowledgedBeforeKill = killAfter;
            String leaderAfter = ((CowsqlConnection) c).leaderAddress();
            assertThat(leaderAfter).as("a new leader").isNotEqualTo(leaderBefore).isIn(cluster.addresses());
        }
        assertThat(cluster.byAddress(leaderBefore).isAlive()).isFalse();
        assertThat(acknowledged.size() + unknown.size()).isEqualTo(total);
        assertThat(unknown).as("unknown outcomes: %s", unknownErrors).hasSizeLessThanOrEqualTo(5);
        assertThat(acknowledged.get(acknowledged.size() - 1)).as("inserts succeed after the failover").isEqualTo(total - 1);
        assertThat(acknowledged.size()).isGreaterThan(acknowledgedBeforeKill);

        Set<Integer> present = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, v FROM failover ORDER BY id")) {
            while (rs.next()) {
                int id = rs.getInt(1);
                assertThat(rs.getString(2)).isEqualTo("row " + id);
                present.add(id);
            }
        }
        assertThat(present).as("every acknowledged insert is present").containsAll(acknowledged);
        assertThat(present.size()).isBetween(acknowledged.size(), acknowledged.size() + unknown.size());
        Set<Integer> allowed = new HashSet<>(acknowledged);
        allowed.addAll(unknown);
        assertThat(allowed).containsAll(present);
        System.out.printf("failover: %d acknowledged, %d unknown (%s), %d present; leader %s killed%n",
                acknowledged.size(), unknown.size(), unknown, present.size(), leaderBefore);
    }
}
