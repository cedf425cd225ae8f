package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The teardown of a real-node testbed ({@link RealNodes}) as one bash script, written before anything it
 * removes exists and listed with the {@link ProcessRegistry} ({@link ProcessRegistry#addCleanup}): the
 * same script runs at {@link RealNodes#close()}, from the registry's watchdog once the JVM is gone (even by
 * SIGKILL; the recorded process groups, containerd, kubelets, kube-proxy and dnsmasq, are killed first)
 * and from the next start's sweep. Every step is idempotent, so running it twice does no harm.
 *
 * <p>What it undoes, in this order:
 * <ol>
 *   <li>processes the process groups do not cover: the containers and containerd's shims (a shim is
 *       its own session), found by the testbed's cgroups ({@code /sys/fs/cgroup/<hierarchy>/<cgroup>}:
 *       containerd runs in one, the kubelets' {@code --cgroup-root} is one), thawed and SIGKILLed until
 *       the cgroups are empty, then the cgroups themselves;</li>
 *   <li>the shims' sockets in /run/containerd/s (named in each task bundle's {@code address} file);</li>
 *   <li>every mount under the nodes' state directory, deepest first: image snapshots, container root
 *       filesystems, pod volumes, the pods' network namespaces (containerd keeps them under its state
 *       directory) and with them the pods' veth pairs;</li>
 *   <li>the node bridges; kube-proxy's iptables chains ({@code kube-proxy --cleanup});</li>
 *   <li>the sysctls the kubelets, kube-proxy and the bridge plugin change, back to the values saved
 *       before the first start;</li>
 *   <li>what the kubelet and CNI write outside the directory whatever the flags: the pods' logs in
 *       /var/log/pods (by the uids in the kubelets' root dirs), dangling /var/log/containers links, the
 *       CNI result cache entries of the testbed's networks, the directories of {@link #CREATED} that did
 *       not exist before the first start; then the state directory.</li>
 * </ol>
 * Its output is appended to {@code teardown.log} next to it.
 */
final class RealNodeTeardown {
    /** Sysctls changed by kubelet (kernel tunables), kube-proxy (route_localnet, bridge netfilter) and the bridge plugin. */
    static final List<String> SYSCTLS = List.of("net.ipv4.ip_forward", "net.ipv4.conf.all.route_localnet",
        "net.bridge.bridge-nf-call-iptables", "kernel.panic", "kernel.panic_on_oops", "vm.overcommit_memory",
        "vm.panic_on_oom", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes");
    /**
     * Directories written whatever the flags: the kubelet's device-plugin socket (a constant path in 1.20),
     * pod logs, containerd's shim sockets; and the root of the nodes' state ({@link RealNodes#STATE_ROOT}).
     */
    static final List<String> CREATED = List.of("/var/lib/kubelet", "/var/log/pods", "/var/log/containers",
        "/run/containerd", RealNodes.STATE_ROOT);

    private static final String BODY = """
        exec >>"$dir/teardown.log" 2>&1
        echo "teardown begins $(date -u +%FT%TZ)"
        # 1. containers and shims: every process of the testbed's cgroups, thawed first (a frozen task dies only when thawed)
        for round in $(seq 1 40); do
          left=0
          for s in $(find /sys/fs/cgroup/freezer/"$cgroup" -name freezer.state 2>/dev/null); do echo THAWED >"$s"; done
          for t in $(find /sys/fs/cgroup/*/"$cgroup" -name cgroup.procs 2>/dev/null); do
            for p in $(cat "$t"); do kill -KILL "$p" 2>/dev/null && left=1; done
          done
          [ $left = 0 ] && break
          sleep 0.5
        done
        for h in /sys/fs/cgroup/*/"$cgroup"; do [ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} \\; ; done
        # 2. the shims' sockets
        for a in "$state"/*/containerd/state/io.containerd.runtime.v2.task/*/*/address; do
          [ -f "$a" ] && { s=$(cat "$a"); rm -f "${s#unix://}"; }
        done
        # 3. mounts under the state directory, deepest first (network namespaces included: their veths go with them)
        for round in 1 2 3; do
          awk -v d="$state/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m"
          done
        done
        # 4. node bridges, kube-proxy's chains
        for b in $bridges; do ip link show "$b" >/dev/null 2>&1 && ip link delete "$b"; done
        [ -x "$kube_proxy" ] && "$kube_proxy" --cleanup >/dev/null 2>&1
        # what --cleanup leaves (its canary and mark chains): jumps from the built-in chains, then the chains
        for t in filter nat mangle; do
          iptables -w 5 -t $t -S | awk '/^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j KUBE-/' | sed 's/^-A/-D/' |
            while read -r r; do eval iptables -w 5 -t $t "$r"; done
          for c in $(iptables -w 5 -t $t -S | awk '/^-N KUBE-/ { print $2 }'); do iptables -w 5 -t $t -F "$c"; done
          for c in $(iptables -w 5 -t $t -S | awk '/^-N KUBE-/ { print $2 }'); do iptables -w 5 -t $t -X "$c"; done
        done
        # 5. sysctls back to their saved values
        [ -f "$dir/sysctl.saved" ] && while read -r k v; do sysctl -qw "$k=$v"; done <"$dir/sysctl.saved"
        # 6. files outside the directory
        for p in "$state"/*/kubelet/pods/*; do [ -d "$p" ] && rm -rf /var/log/pods/*_"${p##*/}"; done
        [ -d /var/log/containers ] && find /var/log/containers -xtype l -delete
        for n in $networks; do rm -f /var/lib/cni/cache/results/"$n"-*; done
        # directories the kubelet and containerd create whatever their flags, when they were absent before
        [ -f "$dir/created.saved" ] && while read -r p; do rm -rf "$p"; done <"$dir/created.saved"
        # the state itself (images, containers' files, volumes) once nothing is mounted there any more
        if awk -v d="$state/" 'index($5, d) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
          echo "mounts left under $state: not removed"
        else
          rm -rf "$state"
        fi
        echo "teardown done $(date -u +%FT%TZ)"
        """;

    private RealNodeTeardown() {}

    /** Writes {@code dir/teardown.sh} for a testbed with these names; returns its path. */
    static Path write(Path dir, Path state, String cgroup, List<String> bridges, List<String> networks,
                      Path kubeProxy) {
        String head = "#!/usr/bin/env bash\n"
            + "# Teardown of the real-node testbed in this directory (RealNodeTeardown); idempotent.\n"
            + "dir=" + quote(dir.toAbsolutePath().toString()) + "\n"
            + "cgroup=" + quote(cgroup) + "\n"
            + "bridges=" + quote(String.join(" ", bridges)) + "\n"
            + "networks=" + quote(String.join(" ", networks)) + "\n"
            + "kube_proxy=" + quote(kubeProxy.toString()) + "\n"
            + "state=" + quote(state.toString()) + "\n";
        Path script = dir.resolve("teardown.sh");
        try {
            Files.writeString(script, head + BODY);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /**
     * Saves the current values of {@link #SYSCTLS} to {@code dir/sysctl.saved} (the values to restore) and
     * which of {@link #CREATED} are absent to {@code dir/created.saved}; kept when they exist, so a second
     * start in the same directory does not save what the first one changed.
     */
    static void saveMachineState(Path dir) {
        Path saved = dir.resolve("sysctl.saved");
        if (Files.exists(saved)) {
            return;
        }
        try {
            Files.write(dir.resolve("created.saved"), CREATED.stream().filter(p -> !Files.exists(Path.of(p))).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = SYSCTLS.stream().filter(k -> Files.exists(sysctlPath(k))).map(k -> k + " " + readSysctl(k))
            .collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.writeString(saved, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The value of sysctl {@code key}, read in one {@code read(2)}: this kernel's integer sysctls answer a
     * read at a non-zero offset with end-of-file, so a reader that takes the first byte alone (as
     * {@code Files.readString} does on a file of size 0) gets "1" for 1000000.
     */
    static String readSysctl(String key) {
        try (var in = Files.newInputStream(sysctlPath(key))) {
            byte[] buf = new byte[4096];
            int n = in.read(buf, 0, buf.length);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path sysctlPath(String key) {
        return Path.of("/proc/sys", key.replace('.', '/'));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
