package io.cowsql.operator.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A build step after the Fabric8 CRD generator (process-classes), for what its annotations cannot say. It moves
 * or adds whole lines and changes no other byte:
 * <ul>
 *   <li>printer columns in the order a person reads them (the generator sorts them by JSON path; kubectl shows
 *       them in file order);
 *   <li>{@code x-kubernetes-preserve-unknown-fields: false} stated on the root, {@code spec} and {@code status}
 *       schemas (the generator only writes {@code true}): unknown fields are pruned, never stored.
 * </ul>
 */
public final class CrdBuildStep {
  /** The columns of {@code kubectl get cowsqlclusters}, in order. */
  public static final List<String> ORDER = List.of("Replicas", "Ready", "Voters", "Standbys", "Leader", "Phase",
      "Reason", "Age");

  /** The schema objects that say explicitly that unknown fields are pruned, as paths of YAML keys. */
  static final List<List<String>> PRUNED = List.of(
      List.of("openAPIV3Schema"),
      List.of("openAPIV3Schema", "properties", "spec"),
      List.of("openAPIV3Schema", "properties", "status"));

  static final String PRESERVE_UNKNOWN_FALSE = "x-kubernetes-preserve-unknown-fields: false";

  private static final String SECTION = "- additionalPrinterColumns:";

  private CrdBuildStep() {}

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      Path crd = Path.of(file);
      String text = Files.readString(crd, StandardCharsets.UTF_8);
      Files.writeString(crd, statePruning(reorder(text)), StandardCharsets.UTF_8);
    }
  }

  static String reorder(String crd) {
    List<String> lines = new ArrayList<>(crd.lines().toList());
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).trim().equals(SECTION)) {
        continue;
      }
      String itemIndent = " ".repeat(lines.get(i).indexOf('-') + 2) + "- ";
      String bodyIndent = " ".repeat(itemIndent.length());
      List<List<String>> items = new ArrayList<>();
      int j = i + 1;
      while (j < lines.size() && lines.get(j).startsWith(itemIndent)) {
        List<String> item = new ArrayList<>();
        item.add(lines.get(j++));
        while (j < lines.size() && lines.get(j).startsWith(bodyIndent)) {
          item.add(lines.get(j++));
        }
        items.add(item);
      }
      List<List<String>> sorted = new ArrayList<>(items);
      sorted.sort(Comparator.comparingInt(CrdBuildStep::rank));
      List<String> flat = new ArrayList<>();
      sorted.forEach(flat::addAll);
      for (int k = 0; k < flat.size(); k++) {
        lines.set(i + 1 + k, flat.get(k));
      }
    }
    return join(lines, crd);
  }

  /** Adds the explicit pruning line after {@code type: "object"} of each {@link #PRUNED} schema (once). */
  static String statePruning(String crd) {
    List<String> lines = new ArrayList<>(crd.lines().toList());
    for (List<String> path : PRUNED) {
      int at = find(lines, path);
      if (at < 0) {
        throw new IllegalStateException("CRD has no schema at " + String.join(".", path));
      }
      int indent = indent(lines.get(at)) + 2;
      int typeLine = -1;
      boolean stated = false;
      for (int i = at + 1; i < lines.size() && (lines.get(i).isBlank() || indent(lines.get(i)) >= indent); i++) {
        if (indent(lines.get(i)) == indent && lines.get(i).trim().equals("type: \"object\"")) {
          typeLine = i;
        }
        stated |= indent(lines.get(i)) == indent && lines.get(i).trim().startsWith("x-kubernetes-preserve-unknown-fields:");
      }
      if (typeLine < 0) {
        throw new IllegalStateException("schema " + String.join(".", path) + " is not an object");
      }
      if (!stated) {
        lines.add(typeLine + 1, " ".repeat(indent) + PRESERVE_UNKNOWN_FALSE);
      }
    }
    return join(lines, crd);
  }

  /** The line of a nested key: each key of the path is looked for below the previous one, exactly one level deeper. */
  private static int find(List<String> lines, List<String> path) {
    int from = 0;
    int minIndent = 0;
    int at = -1;
    for (String key : path) {
      at = -1;
      for (int i = from; i < lines.size(); i++) {
        String l = lines.get(i);
        if (i > from && !l.isBlank() && indent(l) < minIndent) {
          break;
        }
        if (l.trim().equals(key + ":") && (at == -1 && minIndent == 0 || indent(l) == minIndent)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        return -1;
      }
      from = at + 1;
      minIndent = indent(lines.get(at)) + 2;
    }
    return at;
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  private static String join(List<String> lines, String original) {
    return String.join("\n", lines) + (original.endsWith("\n") ? "\n" : "");
  }

  private static int rank(List<String> item) {
    for (String line : item) {
      String t = line.trim().replaceFirst("^- ", "");
      if (t.startsWith("name: ")) {
        int r = ORDER.indexOf(t.substring(6).replace("\"", "").trim());
        return r < 0 ? ORDER.size() : r;
      }
    }
    return ORDER.size();
  }
}
