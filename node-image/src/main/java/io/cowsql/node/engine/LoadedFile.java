package io.cowsql.node.engine;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which file a loaded library really is, and which Debian package installed it: what a log line
 * needs to say which engine runs (the engine's version number alone does not tell libcowsql
 * 1.15.6, 1.15.8 and 1.15.9 apart).
 */
final class LoadedFile {
  private static final Path MAPS = Path.of("/proc/self/maps");
  private static final Path DPKG = Path.of("/var/lib/dpkg");

  private LoadedFile() {}

  /**
   * The file mapped at the address of {@code symbol} in this process ({@code /proc/self/maps}
   * names it with symbolic links resolved), or null where there is no such file.
   */
  static Path of(Pointer symbol) {
    long address = Pointer.nativeValue(symbol);
    List<String> lines;
    try {
      lines = Files.readAllLines(MAPS, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
    for (String line : lines) {
      // start-end perms offset dev inode path
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !f[5].startsWith("/")) {
        continue;
      }
      int dash = f[0].indexOf('-');
      long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
      long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
      if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
        return Path.of(f[5]);
      }
    }
    return null;
  }

  /**
   * "package version" of the Debian package whose file list holds {@code file}, or null: reads
   * dpkg's database ({@code info/*.list}, {@code status}) without running dpkg.
   */
  static String debianPackage(Path file) {
    Path info = DPKG.resolve("info");
    if (!Files.isDirectory(info)) {
      return null;
    }
    String wanted = file.toString();
    String owner = null;
    try (DirectoryStream<Path> lists = Files.newDirectoryStream(info, "*.list")) {
      for (Path list : lists) {
        String name = list.getFileName().toString();
        // Only the packages of shared libraries, not all of dpkg's lists.
        if (!name.startsWith("lib")) {
          continue;
        }
        if (Files.readAllLines(list, StandardCharsets.UTF_8).contains(wanted)) {
          owner = name.substring(0, name.length() - ".list".length());
          break;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
    if (owner == null) {
      return null;
    }
    int colon = owner.indexOf(':');
    String pkg = colon < 0 ? owner : owner.substring(0, colon);
    String arch = colon < 0 ? null : owner.substring(colon + 1);
    try {
      for (String stanza : Files.readString(DPKG.resolve("status"), StandardCharsets.UTF_8).split("\n\n")) {
        if (stanza.startsWith("Package: " + pkg + "\n") && (arch == null || stanza.contains("\nArchitecture: " + arch + "\n"))) {
          for (String line : stanza.split("\n")) {
            if (line.startsWith("Version: ")) {
              return pkg + " " + line.substring("Version: ".length());
            }
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
    return pkg;
  }
}
