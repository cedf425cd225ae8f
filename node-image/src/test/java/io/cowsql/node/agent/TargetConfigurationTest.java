package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of {@code POST /datadir/reconfigure}: read strictly, every refusal naming its field. */
class TargetConfigurationTest {
  static List<Member> parse(String body) {
    return TargetConfiguration.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void membersAreReadWithHexIdsAddressesAndRolesInTheirOrder() {
    List<Member> m = parse("{\"members\":[{\"id\":\"2dc171858c3155be\",\"address\":\"10.0.0.1:9001\",\"role\":\"voter\"},"
        + "{\"id\":\"ABC\",\"address\":\"n2.db:9001\",\"role\":\"Standby\"},{\"role\":\"spare\",\"address\":\"[::1]:9001\",\"id\":\"1f\"}]}");
    assertThat(m).containsExactly(new Member(0x2dc171858c3155beL, "10.0.0.1:9001", MemberRole.VOTER),
        new Member(0xabcL, "n2.db:9001", MemberRole.STANDBY), new Member(0x1fL, "[::1]:9001", MemberRole.SPARE));
    assertThat(TargetConfiguration.describe(m)).isEqualTo("[2dc171858c3155be@10.0.0.1:9001:voter, abc@n2.db:9001:standby, 1f@[::1]:9001:spare]");
  }

  @Test
  void anUnsignedIdAboveTheSignedRangeIsRead() {
    assertThat(parse("{\"members\":[{\"id\":\"ffffffffffffffff\",\"address\":\"a:1\",\"role\":\"voter\"}]}").get(0).id()).isEqualTo(-1L);
  }

  @Test
  void theSameConfigurationIsTheSameSetOfIdAddressAndRole() {
    Member a = new Member(1, "a:1", MemberRole.VOTER);
    Member b = new Member(2, "b:1", MemberRole.SPARE);
    assertThat(TargetConfiguration.same(List.of(a, b), List.of(b, a))).isTrue();
    assertThat(TargetConfiguration.same(List.of(a, b), List.of(a))).isFalse();
    assertThat(TargetConfiguration.same(List.of(a, b), List.of(a, new Member(2, "b:1", MemberRole.VOTER)))).isFalse();
    assertThat(TargetConfiguration.same(List.of(a, b), List.of(a, new Member(2, "b:2", MemberRole.SPARE)))).isFalse();
    assertThat(TargetConfiguration.same(List.of(a, b), List.of(a, new Member(3, "b:1", MemberRole.SPARE)))).isFalse();
  }

  @Test
  void aBadBodyIsRefusedNamingTheField() {
    String ok = "\"address\":\"a:1\",\"role\":\"voter\"";
    String[][] cases = {
        {"", "got nothing"},
        {"[1]", "bad JSON"},
        {"{\"members\":", "bad JSON"},
        {"{}", "field members is required"},
        {"{\"members\":{}}", "field members is required"},
        {"{\"members\":[]}", "field members must list at least one member"},
        {"{\"members\":[1]}", "members[0] must be an object"},
        {"{\"members\":[],\"extra\":1}", "body has an unknown field 'extra'"},
        {"{\"members\":[{\"id\":\"1\",\"adress\":\"a:1\",\"role\":\"voter\"}]}", "members[0] has an unknown field 'adress'"},
        {"{\"members\":[{" + ok + "}]}", "members[0].id is required"},
        {"{\"members\":[{\"id\":1," + ok + "}]}", "members[0].id is required: a non-empty string, got 1"},
        {"{\"members\":[{\"id\":\"xyz\"," + ok + "}]}", "members[0].id must be a node id in hex"},
        {"{\"members\":[{\"id\":\"0\"," + ok + "}]}", "members[0].id must be a node id in hex"},
        {"{\"members\":[{\"id\":\"-1\"," + ok + "}]}", "members[0].id must be a node id in hex"},
        {"{\"members\":[{\"id\":\"10000000000000000\"," + ok + "}]}", "members[0].id must be a node id in hex"},
        {"{\"members\":[{\"id\":\"1\",\"address\":\"nohost\",\"role\":\"voter\"}]}", "members[0].address must be host:port"},
        {"{\"members\":[{\"id\":\"1\",\"role\":\"voter\"}]}", "members[0].address is required"},
        {"{\"members\":[{\"id\":\"1\",\"address\":\"a:1\",\"role\":\"leader\"}]}", "members[0].role must be voter, standby or spare, got 'leader'"},
        {"{\"members\":[{\"id\":\"1\"," + ok + "},{\"id\":\"1\",\"address\":\"b:1\",\"role\":\"voter\"}]}", "members[1].id 1 is listed twice"},
        {"{\"members\":[{\"id\":\"1\"," + ok + "},{\"id\":\"2\"," + ok + "}]}", "members[1].address a:1 is listed twice"},
        {"{\"members\":[{\"id\":\"1\",\"address\":\"a:1\",\"role\":\"spare\"}]}", "field members must name at least one voter"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void aBodyThatIsNotUtf8OrTooLargeIsRefused() {
    assertThatThrownBy(() -> TargetConfiguration.parse(new byte[] {'{', (byte) 0xff, '}'})).hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> TargetConfiguration.parse(new byte[TargetConfiguration.MAX_BODY_BYTES + 1]))
        .hasMessageContaining("at most " + TargetConfiguration.MAX_BODY_BYTES + " bytes");
  }
}
