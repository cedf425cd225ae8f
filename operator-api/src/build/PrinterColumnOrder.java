package io.cowsql.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A build step after the Fabric8 CRD generator (process-classes), run from this source file by the java launcher
 * so it is not part of the shipped classes: the generator sorts printer columns by JSON path, kubectl shows them
 * in file order; this puts them in the order the resource class declares its {@link AdditionalPrinterColumn}s. It
 * moves whole column entries and changes no other byte.
 *
 * <p>Arguments: the resource class, then the CRD files to rewrite in place.
 */
public final class PrinterColumnOrder {
  private static final String SECTION = "- additionalPrinterColumns:";

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException, ClassNotFoundException {
    if (args.length < 2) {
      System.err.println("usage: PrinterColumnOrder RESOURCE_CLASS CRD_FILE...");
      System.exit(2);
    }
    List<String> order = declaredOrder(Class.forName(args[0]));
    for (String file : Arrays.asList(args).subList(1, args.length)) {
      Path crd = Path.of(file);
      String before = Files.readString(crd, StandardCharsets.UTF_8);
      String after = reorder(before, order);
      Files.writeString(crd, after, StandardCharsets.UTF_8);
      System.out.println("printer columns of " + crd.getFileName() + " in declared order: " + String.join(", ", order));
    }
  }

  /** The columns' names in the order the class declares them (repeatable annotations keep source order). */
  static List<String> declaredOrder(Class<?> resource) {
    List<String> names = Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    if (names.isEmpty()) {
      throw new IllegalArgumentException(resource.getName() + " declares no @AdditionalPrinterColumn");
    }
    return names;
  }

  static String reorder(String crd, List<String> order) {
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
      sorted.sort(Comparator.comparingInt(item -> rank(item, order)));
      List<String> flat = new ArrayList<>();
      sorted.forEach(flat::addAll);
      for (int k = 0; k < flat.size(); k++) {
        lines.set(i + 1 + k, flat.get(k));
      }
    }
    return String.join("\n", lines) + (crd.endsWith("\n") ? "\n" : "");
  }

  private static int rank(List<String> item, List<String> order) {
    for (String line : item) {
      String t = line.trim().replaceFirst("^- ", "");
      if (t.startsWith("name: ")) {
        int r = order.indexOf(t.substring(6).replace("\"", "").trim());
        return r < 0 ? order.size() : r;
      }
    }
    return order.size();
  }
}
