package io.cowsql.operator.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A build step after the Fabric8 CRD generator (process-classes): the generator sorts printer columns by JSON
 * path, kubectl shows them in file order; this puts them in the order a person reads them. It moves whole
 * column entries and changes no other byte.
 */
public final class PrinterColumnOrder {
  /** The columns of {@code kubectl get cowsqlclusters}, in order. */
  public static final List<String> ORDER = List.of("Replicas", "Ready", "Voters", "Standbys", "Leader", "Phase",
      "Reason", "Age");

  private static final String SECTION = "- additionalPrinterColumns:";

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      Path crd = Path.of(file);
      Files.writeString(crd, reorder(Files.readString(crd, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
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
      sorted.sort(Comparator.comparingInt(PrinterColumnOrder::rank));
      List<String> flat = new ArrayList<>();
      sorted.forEach(flat::addAll);
      for (int k = 0; k < flat.size(); k++) {
        lines.set(i + 1 + k, flat.get(k));
      }
    }
    return String.join("\n", lines) + (crd.endsWith("\n") ? "\n" : "");
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
