package io.cowsql.e2e.testbed;

import io.cowsql.client.AddressResolver;
import io.cowsql.client.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reader for the testbed's hosts file (the format of /etc/hosts: {@code IP name [name...]}, {@code #}
 * comments; a name may appear on several lines, one per address). The reference implementation for
 * the node agent's resolver; see e2e/README.md.
 */
public final class HostsFile {
    private HostsFile() {}

    /** Every address for {@code name} (case-insensitive, a trailing dot ignored), in file order. */
    public static List<String> lookupAll(Path file, String name) {
        String want = name.toLowerCase(Locale.ROOT);
        if (want.endsWith(".")) {
            want = want.substring(0, want.length() - 1);
        }
        List<String> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            for (int i = 1; i < f.length; i++) {
                if (f[i].toLowerCase(Locale.ROOT).equals(want) && !out.contains(f[0])) {
                    out.add(f[0]);
                }
            }
        }
        return out;
    }

    /** A client {@link AddressResolver}: {@code host:port} -> {@code ip:port} via the file. */
    public static AddressResolver addressResolver(Path file) {
        return address -> {
            HostPort hp = HostPort.parse(address);
            return lookup(file, hp.host()).map(ip -> new HostPort(ip, hp.port()).toString()).orElse(address);
        };
    }

    public static Optional<String> lookup(Path file, String name) {
        List<String> all = lookupAll(file, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }
}
