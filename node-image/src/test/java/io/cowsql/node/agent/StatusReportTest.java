package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Role;
import io.cowsql.node.data.LastEntry;
import io.cowsql.node.data.LogPosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  /** A zone name and an engine library path with every character the text format must escape. */
  static final String HOSTILE_ZONE = "eu-west\"1\"\nnext_metric 7\\";
  static final String HOSTILE_LIBRARY = "/opt/we\"ird\\dir\n/libcowsql.so.0";

  static StatusReport leaderReport() {
    NodeInfo self = new NodeInfo(0x2dc171858c3155beL, "127.0.0.1:9001", Role.VOTER);
    NodeInfo other = new NodeInfo(0x5f3aL, "127.0.0.1:9002", Role.STANDBY);
    return new StatusReport(self.id(), self.address(), self.address(), "c1", true, true, null, "voter", self, true,
        12345, HOSTILE_ZONE, 2, List.of(self, other), Map.of(self.id(), new NodeMetadata(12345, 2)),
        new LastEntry(new LogPosition(3, 17), "0000000000000001-0000000000000017", List.of()), new StatusReport.EngineInfo("cowsql", "1.15.6", 11506, HOSTILE_LIBRARY, List.of("handover"), "native"),
        4, 60);
  }

  @Test
  void hostileLabelValuesAreEscapedAndTheExpositionStillParses() {
    String text = leaderReport().prometheus(new StatusReport.KvRequests(10, 20, 1, 2));
    Map<String, List<Sample>> samples = parseExposition(text);
    assertThat(samples.get("cowsql_failure_domain_info")).containsExactly(new Sample(Map.of("name", HOSTILE_ZONE), "1"));
    assertThat(samples.get("cowsql_engine_info"))
        .containsExactly(new Sample(Map.of("name", "cowsql", "version", "1.15.6", "library", HOSTILE_LIBRARY), "1"));
    // The newline inside the zone name did not start a sample of its own.
    assertThat(samples).doesNotContainKey("next_metric");
    assertThat(text).contains("cowsql_failure_domain_info{name=\"eu-west\\\"1\\\"\\nnext_metric 7\\\\\"} 1\n");
  }

  @Test
  void theExpositionHasEveryFamilyOnceWithItsTypeAndTheCountersGiven() {
    String text = leaderReport().prometheus(new StatusReport.KvRequests(10, 20, 1, 2));
    Map<String, List<Sample>> samples = parseExposition(text);
    assertThat(samples.keySet()).containsExactly("cowsql_node_up", "cowsql_node_ready", "cowsql_node_leader", "cowsql_node_role",
        "cowsql_cluster_members", "cowsql_cluster_online_members", "cowsql_role_changes_total", "cowsql_failure_domain",
        "cowsql_failure_domain_info", "cowsql_engine_info", "cowsql_kv_requests_total", "cowsql_kv_errors_total", "cowsql_kv_stale_total");
    assertThat(samples.get("cowsql_node_role")).containsExactly(new Sample(Map.of("role", "voter"), "1"),
        new Sample(Map.of("role", "standby"), "0"), new Sample(Map.of("role", "spare"), "0"));
    assertThat(samples.get("cowsql_kv_requests_total")).containsExactly(new Sample(Map.of("method", "GET"), "10"),
        new Sample(Map.of("method", "PUT"), "20"));
    assertThat(samples.get("cowsql_cluster_members")).containsExactly(new Sample(Map.of(), "2"));
    assertThat(samples.get("cowsql_role_changes_total")).containsExactly(new Sample(Map.of(), "4"));
  }

  @Test
  void aNodeWithoutAFailureDomainNameOrEngineLeavesTheirInfoOut() {
    StatusReport early = new StatusReport(null, "127.0.0.1:9001", "127.0.0.1:9001", null, false, false, "node not running", null,
        null, false, 0, null, 0, List.of(), Map.of(), null, null, 0, 0);
    Map<String, List<Sample>> samples = parseExposition(early.prometheus(new StatusReport.KvRequests(0, 0, 0, 0)));
    assertThat(samples).doesNotContainKeys("cowsql_failure_domain_info", "cowsql_engine_info", "cowsql_cluster_online_members");
    assertThat(samples.get("cowsql_node_ready")).containsExactly(new Sample(Map.of(), "0"));
    Map<String, Object> status = Json.parseObject(early.json());
    assertThat(status).containsEntry("id", null).containsEntry("ready", false).containsEntry("notReadyReason", "node not running")
        .containsEntry("engine", Map.of()).containsEntry("leader", null);
  }

  @Test
  void theStatusDocumentCarriesTheSameFactsAsJson() {
    Map<String, Object> s = Json.parseObject(leaderReport().json());
    assertThat(s).containsEntry("id", "2dc171858c3155be").containsEntry("failureDomainName", HOSTILE_ZONE).containsEntry("role", "voter")
        .containsEntry("ready", true).containsEntry("failureDomain", 12345);
    assertThat(s.get("leader")).isEqualTo(Map.of("id", "2dc171858c3155be", "address", "127.0.0.1:9001"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> members = (List<Map<String, Object>>) s.get("members");
    assertThat(members).hasSize(2);
    assertThat(members.get(0)).containsEntry("online", true).containsEntry("failureDomain", 12345);
    assertThat(members.get(1)).containsEntry("role", "standby").containsEntry("online", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> engine = (Map<String, Object>) s.get("engine");
    assertThat(engine).containsEntry("library", HOSTILE_LIBRARY).containsEntry("capabilities", List.of("handover"));
  }

  record Sample(Map<String, String> labels, String value) {}

  static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  static final Pattern VALUE = Pattern.compile("-?(\\d+(\\.\\d+)?([eE][+-]?\\d+)?|NaN|\\+Inf|-Inf)");

  /**
   * A check of the text format's grammar (version 0.0.4): {@code # HELP name text} and {@code #
   * TYPE name type} lines, each family's TYPE before its samples and only once, then samples
   * {@code name{label="value",...} number}, label values with only {@code \\}, {@code \"} and
   * {@code \n} escapes. Fails on anything else; returns the samples by family, values unescaped.
   */
  static Map<String, List<Sample>> parseExposition(String text) {
    assertThat(text).endsWith("\n");
    Map<String, List<Sample>> out = new LinkedHashMap<>();
    String typed = null;
    for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] f = line.substring(7).split(" ", 2);
        assertThat(f[0]).as(line).matches(NAME);
        if (line.startsWith("# TYPE ")) {
          assertThat(f[1]).as(line).isIn("counter", "gauge", "histogram", "summary", "untyped");
          assertThat(out).as("a second TYPE for " + f[0]).doesNotContainKey(f[0]);
          out.put(f[0], new ArrayList<>());
          typed = f[0];
        } else {
          assertThat(f[1]).as("HELP escapes: " + line).doesNotContainPattern("\\\\[^\\\\n]");
        }
        continue;
      }
      assertThat(line).as("a comment other than HELP/TYPE, or an empty line").doesNotStartWith("#").isNotEmpty();
      Matcher name = NAME.matcher(line);
      assertThat(name.lookingAt()).as(line).isTrue();
      String family = name.group();
      assertThat(family).as("sample of the family last typed: " + line).isEqualTo(typed);
      int i = name.end();
      Map<String, String> labels = new LinkedHashMap<>();
      if (i < line.length() && line.charAt(i) == '{') {
        i++;
        while (line.charAt(i) != '}') {
          Matcher ln = LABEL_NAME.matcher(line).region(i, line.length());
          assertThat(ln.lookingAt()).as("label name at " + i + ": " + line).isTrue();
          i = ln.end();
          assertThat(line.startsWith("=\"", i)).as("=\" at " + i + ": " + line).isTrue();
          i += 2;
          StringBuilder v = new StringBuilder();
          while (line.charAt(i) != '"') {
            char c = line.charAt(i++);
            if (c == '\\') {
              char e = line.charAt(i++);
              assertThat(e).as("escape in " + line).isIn('\\', '"', 'n');
              v.append(e == 'n' ? '\n' : e);
            } else {
              v.append(c);
            }
          }
          i++;
          assertThat(labels.put(ln.group(), v.toString())).as("label twice: " + line).isNull();
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        i++;
      }
      assertThat(line.charAt(i)).as(line).isEqualTo(' ');
      String value = line.substring(i + 1);
      assertThat(value).as(line).matches(VALUE);
      out.get(family).add(new Sample(labels, value));
    }
    return out;
  }
}
