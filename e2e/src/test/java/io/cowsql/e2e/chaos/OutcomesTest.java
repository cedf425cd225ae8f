package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.CowsqlException;
import org.junit.jupiter.api.Test;

/** A write failure is definite only when the request certainly did not run (unit tier). */
class OutcomesTest {
    static Op.Type of(int code) {
        return Outcomes.ofWrite(new CowsqlException("x", code));
    }

    @Test
    void refusedBeforeRunningOrNeverSentIsADefiniteFailure() {
        assertThat(of(CowsqlException.NOT_LEADER)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.NOT_LEADER_LEGACY)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.SQLITE_BUSY)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.SQLITE_BUSY | (1 << 8))).as("an extended BUSY code").isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.CLIENT_NO_LEADER)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.CLIENT_IO)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.CLIENT_TIMEOUT)).isEqualTo(Op.Type.FAIL);
        assertThat(of(CowsqlException.CLIENT_REFUSED)).isEqualTo(Op.Type.FAIL);
    }

    @Test
    void brokenAfterSendingLeadershipLostOrAnyOtherErrorIsUnknown() {
        assertThat(of(CowsqlException.CLIENT_OUTCOME_UNKNOWN)).isEqualTo(Op.Type.INFO);
        assertThat(of(CowsqlException.LEADERSHIP_LOST)).isEqualTo(Op.Type.INFO);
        assertThat(of(CowsqlException.LEADERSHIP_LOST_LEGACY)).isEqualTo(Op.Type.INFO);
        assertThat(of(CowsqlException.CLIENT_PROTOCOL)).isEqualTo(Op.Type.INFO);
        assertThat(of(1)).as("a plain SQLite error").isEqualTo(Op.Type.INFO);
        assertThat(of(10)).as("an I/O error").isEqualTo(Op.Type.INFO);
    }
}
