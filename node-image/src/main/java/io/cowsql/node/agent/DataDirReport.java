package io.cowsql.node.agent;

import io.cowsql.node.Member;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code GET /datadir} document: what the node's data dir holds, as the operator's recovery asks every survivor
 * (the dir's node id and epoch, whether the engine is stopped and for which plan, the last log entry and the last
 * configuration in the log, and what could not be read). While the engine runs the dir is read read-only at most once
 * a second ({@link LiveLogPosition}) and may move on; once the engine is stopped ({@code POST /datadir/stop}) it is
 * read from the stopped dir, again after each {@code POST /datadir/reconfigure}, and nothing else changes it.
 *
 * @param id             the node id (printed in hex)
 * @param epoch          the epoch the dir's identity records
 * @param engineStopped  whether the engine was stopped through {@code POST /datadir/stop}
 * @param stopPlan       the plan id it was stopped for, null while it runs
 * @param inspection     the read of the dir, null when none succeeded (then {@code problems} says why)
 * @param problems       what could not be read, besides the read's own problems
 */
public record DataDirReport(long id, long epoch, boolean engineStopped, String stopPlan, DataDirReader.Inspection inspection,
    List<String> problems) {

  public DataDirReport {
    problems = List.copyOf(problems);
  }

  /** The document, one line. */
  public String json() {
    return Json.write(document());
  }

  /** The document's fields, in order (an answer that says more adds its own after them). */
  public Map<String, Object> document() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Identity.hex(id));
    m.put("epoch", epoch);
    m.put("engineStopped", engineStopped);
    m.put("stopPlan", stopPlan);
    List<String> all = new ArrayList<>(problems);
    if (inspection == null) {
      m.put("lastEntry", null);
      m.put("lastConfiguration", List.of());
    } else {
      LastEntry last = inspection.lastEntry();
      Map<String, Object> le = new LinkedHashMap<>();
      le.put("term", last.term());
      le.put("index", last.index());
      le.put("source", last.source());
      m.put("lastEntry", le);
      List<Object> conf = new ArrayList<>();
      for (Member member : inspection.configuration()) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", Identity.hex(member.id()));
        c.put("address", member.address());
        c.put("role", member.role().name().toLowerCase(Locale.ROOT));
        conf.add(c);
      }
      m.put("lastConfiguration", conf);
      all.addAll(last.problems());
    }
    m.put("problems", all);
    return m;
  }
}
