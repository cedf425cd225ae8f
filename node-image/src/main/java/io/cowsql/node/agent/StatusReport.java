package io.cowsql.node.agent;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.node.data.LastEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the agent reports about itself, taken at one moment, and its two renderings: the {@code
 * /status} JSON document and the {@code /metrics} Prometheus text exposition (format 0.0.4). The
 * one place that names the status fields and the metrics.
 *
 * @param id this node's id, null before it has one
 * @param role this node's role in lower case ({@code voter}, {@code standby}, {@code spare}), null when unknown
 * @param leader the leader this node knows, or null
 * @param leading whether this node is the leader
 * @param failureDomainName the failure domain as the annotation file named it (a zone, say), or null
 *     when it was given as a number or not at all
 * @param members the configuration as this node last read it
 * @param online the members that answered the last probe, with their metadata (the leader probes;
 *     empty on other nodes)
 * @param leaving the ids of the members a scale-down takes out, as this node read them from its
 *     annotations (the role policy never promotes them)
 * @param lastEntry the last complete log entry in the data dir, or null: while the engine runs the agent re-reads it
 *     (at most once a second, {@link LiveLogPosition}), before that it is the one read before the engine opened the dir
 * @param engine the engine library, or null before it loaded
 * @param dataDir the data dir's epoch and what this start set aside
 */
public record StatusReport(Long id, String address, String bind, String clusterId, boolean joined, boolean up,
    String notReadyReason, String role, NodeInfo leader, boolean leading, long failureDomain, String failureDomainName,
    long weight, List<NodeInfo> members, Map<Long, NodeMetadata> online, Set<Long> leaving, LastEntry lastEntry,
    EngineInfo engine, long roleChanges, long uptimeSeconds, DataDirState dataDir) {

  /** A report without data dir state (epoch 0, nothing set aside). */
  public StatusReport(Long id, String address, String bind, String clusterId, boolean joined, boolean up,
      String notReadyReason, String role, NodeInfo leader, boolean leading, long failureDomain, String failureDomainName,
      long weight, List<NodeInfo> members, Map<Long, NodeMetadata> online, Set<Long> leaving, LastEntry lastEntry,
      EngineInfo engine, long roleChanges, long uptimeSeconds) {
    this(id, address, bind, clusterId, joined, up, notReadyReason, role, leader, leading, failureDomain, failureDomainName,
        weight, members, online, leaving, lastEntry, engine, roleChanges, uptimeSeconds, DataDirState.NONE);
  }

  /**
   * The data dir's epoch (as its identity records it) and the dirs this start moved aside instead of starting the
   * engine on them.
   */
  public record DataDirState(long epoch, List<DataDirSetAside> setAside) {
    public static final DataDirState NONE = new DataDirState(0, List.of());

    public DataDirState {
      setAside = List.copyOf(setAside);
    }
  }

  /** A report without leaving members. */
  public StatusReport(Long id, String address, String bind, String clusterId, boolean joined, boolean up,
      String notReadyReason, String role, NodeInfo leader, boolean leading, long failureDomain, String failureDomainName,
      long weight, List<NodeInfo> members, Map<Long, NodeMetadata> online, LastEntry lastEntry, EngineInfo engine,
      long roleChanges, long uptimeSeconds) {
    this(id, address, bind, clusterId, joined, up, notReadyReason, role, leader, leading, failureDomain, failureDomainName,
        weight, members, online, Set.of(), lastEntry, engine, roleChanges, uptimeSeconds);
  }

  /** The engine as it reports itself; capabilities in lower case; handover {@code native} or {@code client}. */
  public record EngineInfo(String name, String version, int versionNumber, String library, List<String> capabilities,
      String handover) {}

  /** The key/value API's request counters, kept by the HTTP side. */
  /** The key/value API's counters; {@code statementsSent}: what its store sent to each node. */
  public record KvRequests(long gets, long puts, long errors, long stale, Map<String, Long> statementsSent) {
    public KvRequests(long gets, long puts, long errors, long stale) {
      this(gets, puts, errors, stale, Map.of());
    }
  }

  static final List<String> ROLES = List.of("voter", "standby", "spare");

  public boolean ready() {
    return notReadyReason == null;
  }

  /** The {@code /status} document, one line. */
  public String json() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", id == null ? null : Identity.hex(id));
    s.put("address", address);
    s.put("bind", bind);
    s.put("clusterId", clusterId);
    s.put("joined", joined);
    s.put("ready", ready());
    s.put("notReadyReason", notReadyReason);
    s.put("role", role);
    if (leader != null) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("id", Identity.hex(leader.id()));
      l.put("address", leader.address());
      s.put("leader", l);
    } else {
      s.put("leader", null);
    }
    s.put("failureDomain", failureDomain);
    s.put("failureDomainName", failureDomainName);
    s.put("weight", weight);
    List<Object> ms = new ArrayList<>();
    for (NodeInfo m : members) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", Identity.hex(m.id()));
      mm.put("address", m.address());
      mm.put("role", m.role().name().toLowerCase(Locale.ROOT));
      if (!online.isEmpty()) {
        NodeMetadata md = online.get(m.id());
        mm.put("online", md != null);
        if (md != null) {
          mm.put("failureDomain", md.failureDomain());
          mm.put("weight", md.weight());
        }
      }
      ms.add(mm);
    }
    s.put("members", ms);
    List<String> leavingIds = new ArrayList<>();
    leaving.stream().sorted(Long::compareUnsigned).forEach(l -> leavingIds.add(Identity.hex(l)));
    s.put("leaving", leavingIds);
    if (lastEntry != null) {
      Map<String, Object> le = new LinkedHashMap<>();
      le.put("term", lastEntry.term());
      le.put("index", lastEntry.index());
      le.put("source", lastEntry.source());
      s.put("lastEntry", le);
    } else {
      s.put("lastEntry", null);
    }
    Map<String, Object> e = new LinkedHashMap<>();
    if (engine != null) {
      e.put("name", engine.name());
      e.put("version", engine.version());
      e.put("versionNumber", engine.versionNumber());
      e.put("library", engine.library());
      e.put("capabilities", engine.capabilities());
      e.put("handover", engine.handover());
    }
    s.put("engine", e);
    s.put("epoch", dataDir.epoch());
    List<Object> asides = new ArrayList<>();
    for (DataDirSetAside a : dataDir.setAside()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", a.from().toString());
      m.put("to", a.to().toString());
      m.put("why", a.why());
      m.put("at", a.at().toString());
      asides.add(m);
    }
    s.put("setAside", asides);
    s.put("uptimeSeconds", uptimeSeconds);
    return Json.write(s);
  }

  /** The {@code /metrics} text: the node's gauges and counters and the key/value API's counters. */
  public String prometheus(KvRequests kv) {
    Exposition x = new Exposition();
    x.family("cowsql_node_up", "gauge", "1 while the engine node runs").sample(up ? 1 : 0);
    x.family("cowsql_node_ready", "gauge", "1 when the node serves its role (see /readyz)").sample(ready() ? 1 : 0);
    x.family("cowsql_node_leader", "gauge", "1 while this node is the leader").sample(leading ? 1 : 0);
    x.family("cowsql_node_role", "gauge", "1 for this node's role in the configuration");
    for (String r : ROLES) {
      x.sample(r.equals(role) ? 1 : 0, "role", r);
    }
    x.family("cowsql_cluster_members", "gauge", "members in the configuration").sample(members.size());
    if (leading) {
      x.family("cowsql_cluster_online_members", "gauge", "members that answered the leader's last probe").sample(online.size());
    }
    x.family("cowsql_role_changes_total", "counter", "role changes this node made while it led").sample(roleChanges);
    x.family("cowsql_failure_domain", "gauge", "this node's failure domain as a number").sample(failureDomain);
    if (failureDomainName != null) {
      x.family("cowsql_failure_domain_info", "gauge", "this node's failure domain as named in its annotations").sample(1, "name", failureDomainName);
    }
    if (engine != null) {
      x.family("cowsql_engine_info", "gauge", "the engine library this node runs on")
          .sample(1, "name", engine.name(), "version", engine.version(), "library", engine.library());
    }
    x.family("cowsql_kv_requests_total", "counter", "key/value API requests by method")
        .sample(kv.gets(), "method", "GET").sample(kv.puts(), "method", "PUT");
    x.family("cowsql_kv_errors_total", "counter", "key/value API requests answered 503 (the cluster could not answer in time)").sample(kv.errors());
    x.family("cowsql_kv_stale_total", "counter", "key/value API requests not run because nobody waited for them any more (504)").sample(kv.stale());
    if (!kv.statementsSent().isEmpty()) {
      x.family("cowsql_kv_statements_sent_total", "counter", "statements the key/value API sent to each node, counted on the wire");
      kv.statementsSent().forEach((node, n) -> x.sample(n, "node", node));
    }
    return x.toString();
  }

  /** Writes the text format: {@code # HELP} and {@code # TYPE} per family, then its samples. */
  private static final class Exposition {
    private final StringBuilder sb = new StringBuilder(2048);
    private String family;

    Exposition family(String name, String type, String help) {
      family = name;
      sb.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
      sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
      return this;
    }

    /** One sample of the current family; {@code labels} are name, value pairs. */
    Exposition sample(long value, String... labels) {
      sb.append(family);
      if (labels.length > 0) {
        sb.append('{');
        for (int i = 0; i < labels.length; i += 2) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append(labels[i]).append("=\"").append(escapeLabelValue(labels[i + 1])).append('"');
        }
        sb.append('}');
      }
      sb.append(' ').append(value).append('\n');
      return this;
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }

  /** A label value as the text format wants it: backslash, double quote and line feed escaped. */
  static String escapeLabelValue(String v) {
    return v == null ? "" : escapeHelp(v).replace("\"", "\\\"");
  }

  /** HELP text: backslash and line feed escaped (a double quote stays). */
  static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
