package io.cowsql.client.jdbc;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leader dies inside a transaction: the transaction is gone, the driver says so, and the next one runs on the new leader. */
class JdbcTransactionFailoverTest extends OneClusterPerClass {



    @Test
    void aTransactionCutByALeaderKillIsReportedAndTheNextOneCommitsOnTheNewLeader() throws Exception {
        String url = "jdbc:cowsql://" + String.join(",", cluster.addresses()) + "/" + DemoCluster.DATABASE
                + "?retryTimeout=30000&requestTimeout=10000";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE txf (id INTEGER PRIMARY KEY, batch TEXT)");
            String leader = ((CowsqlConnection) c).leaderAddress();
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO txf (id, batch) VALUES (?, 'lost')")) {
                p.setInt(1, 1);
                p.executeUpdate();
                p.setInt(1, 2);
                p.executeUpdate();
                cluster.kill(cluster.byAddress(leader));
                p.setInt(1, 3);
                // The statement goes out on the dead connection (or finds it closed): never silently re-run elsewhere.
                assertThatThrownBy(p::executeUpdate).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("08007", "08S01", "40003"));
                assertThatThrownBy(p::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("rolled back").hasMessageContaining("call rollback()")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40003"));
            }
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("rolled back")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40003"));
            c.rollback(); // nothing left to roll back: fine

            try (PreparedStatement p = c.prepareStatement("INSERT INTO txf (id, batch) VALUES (?, 'kept')")) {
                for (int i = 10; i < 13; i++) {
                    p.setInt(1, i);
                    p.executeUpdate();
                }
            }
            c.commit();
            assertThat(((CowsqlConnection) c).leaderAddress()).isNotEqualTo(leader);
            c.setAutoCommit(true);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id, batch FROM txf ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + ":" + rs.getString(2));
                }
            }
            assertThat(rows).containsExactly("10:kept", "11:kept", "12:kept");
        }
    }
}
