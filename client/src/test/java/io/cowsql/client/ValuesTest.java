package io.cowsql.client;

import io.cowsql.client.wire.BodyReader;
import io.cowsql.client.wire.BodyWriter;
import io.cowsql.client.wire.Protocol;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {
    @Test
    void aSchemaZeroTupleHasCountTypesPaddingThenValues() throws Exception {
        BodyWriter w = new BodyWriter();
        int schema = Values.writeParams(w, Arrays.asList(7L, "ab", null, true, 1.5));
        assertThat(schema).isZero();
        BodyReader r = new BodyReader(w.array(), w.size(), "test");
        assertThat(r.uint8("n")).isEqualTo(5);
        assertThat(r.bytes(5, "types")).containsExactly(Protocol.T_INTEGER, Protocol.T_TEXT, Protocol.T_NULL,
                Protocol.T_BOOLEAN, Protocol.T_FLOAT);
        r.skip(2, "pad");
        assertThat(r.uint64("i")).isEqualTo(7L);
        assertThat(r.text("t")).isEqualTo("ab");
        assertThat(r.uint64("null")).isZero();
        assertThat(r.uint64("bool")).isEqualTo(1L);
        assertThat(r.float64("f")).isEqualTo(1.5);
        assertThat(r.remaining()).isZero();
    }

    @Test
    void moreThan255ParametersUseTheSchemaOneTuple() throws Exception {
        Object[] p = new Object[256];
        Arrays.fill(p, 1L);
        BodyWriter w = new BodyWriter();
        assertThat(Values.writeParams(w, List.of(p))).isEqualTo(1);
        BodyReader r = new BodyReader(w.array(), w.size(), "test");
        assertThat(r.uint32("n")).isEqualTo(256);
    }

    @Test
    void timesAreSentInTheLayoutGoCowsqlWritesAndParsedInEveryLayoutSqliteUses() throws Exception {
        OffsetDateTime t = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(-7));
        assertThat(Values.formatTime(t)).isEqualTo("2026-01-02 03:04:05.000000006-07:00");
        assertThat(Values.formatTime(Instant.EPOCH)).isEqualTo("1970-01-01 00:00:00.000000000+00:00");
        assertThat(Values.parseIso8601("2026-01-02 03:04:05.000000006-07:00")).isEqualTo(t);
        assertThat(Values.parseIso8601("2026-01-02T03:04:05Z")).isEqualTo(OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
        assertThat(Values.parseIso8601("2026-01-02 03:04")).isEqualTo(OffsetDateTime.of(2026, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC));
        assertThat(Values.parseIso8601("2026-01-02")).isEqualTo(OffsetDateTime.of(2026, 1, 2, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(Values.parseIso8601("")).isNull();
        assertThatThrownBy(() -> Values.parseIso8601("yesterday")).hasMessageContaining("yesterday");
    }

    @Test
    void unsupportedParameterTypesNameTheType() {
        assertThatThrownBy(() -> Values.typeOf(new Object())).isInstanceOf(CowsqlException.class)
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void textWithNulCannotBeEncoded() {
        assertThatThrownBy(() -> new BodyWriter().text("a\0b")).hasMessageContaining("NUL");
    }
}
