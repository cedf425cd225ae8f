package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The summary of many runs, one row per scenario and engine: what {@code cowsql-chaos} prints. */
public final class RunTable {
    private final Map<String, List<ChaosRun.Result>> rows = new LinkedHashMap<>();

    public void add(ChaosRun.Result r) {
        rows.computeIfAbsent(r.scenario() + " " + r.engine(), k -> new ArrayList<>()).add(r);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public boolean allPassed() {
        return rows.values().stream().flatMap(List::stream).allMatch(ChaosRun.Result::passed);
    }

    public String render() {
        String[] head = {"scenario engine", "runs", "failed", "unchecked", "ops", "ok", "fail", "unknown",
            LostWritesChecker.NAME, DivergenceChecker.NAME, MinorityAckChecker.NAME, LivenessChecker.NAME, "unavail p50 ms", "unavail max ms",
            "recovery max ms", "s/run p50"};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        for (var e : rows.entrySet()) {
            List<ChaosRun.Result> rs = e.getValue();
            long failed = rs.stream().filter(r -> !r.passed()).count();
            long unchecked = rs.stream().filter(r -> r.error() != null).count();
            List<Verdict> vs = rs.stream().map(ChaosRun.Result::verdict).filter(v -> v != null).toList();
            List<Long> unavail = vs.stream().map(Verdict::longestUnavailableMillis).sorted().toList();
            lines.add(new String[] {e.getKey(), str(rs.size()), str(failed), str(unchecked),
                str(vs.stream().mapToLong(Verdict::operations).sum()), str(vs.stream().mapToLong(Verdict::ok).sum()),
                str(vs.stream().mapToLong(Verdict::failed).sum()), str(vs.stream().mapToLong(Verdict::unknown).sum()),
                str(vs.stream().mapToLong(v -> v.count(LostWritesChecker.NAME)).sum()),
                str(vs.stream().mapToLong(v -> v.count(DivergenceChecker.NAME)).sum()),
                str(vs.stream().mapToLong(v -> v.count(MinorityAckChecker.NAME)).sum()),
                str(vs.stream().mapToLong(v -> v.count(LivenessChecker.NAME)).sum()),
                unavail.isEmpty() ? "-" : str(unavail.get(unavail.size() / 2)),
                unavail.isEmpty() ? "-" : str(unavail.get(unavail.size() - 1)),
                str(vs.stream().mapToLong(Verdict::recoveryMillis).max().orElse(-1)),
                String.valueOf(rs.stream().map(ChaosRun.Result::seconds).sorted().toList().get(rs.size() / 2))});
        }
        int[] w = new int[head.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                w[i] = Math.max(w[i], l[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            sb.append('|');
            for (int i = 0; i < l.length; i++) {
                sb.append(' ').append(i == 0 ? pad(l[i], w[i], false) : pad(l[i], w[i], true)).append(" |");
            }
            sb.append('\n');
            if (l == head) {
                sb.append('|');
                for (int x : w) {
                    sb.append("-".repeat(x + 2)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String str(long v) {
        return Long.toString(v);
    }

    private static String pad(String s, int w, boolean right) {
        String sp = " ".repeat(w - s.length());
        return right ? sp + s : s + sp;
    }
}
