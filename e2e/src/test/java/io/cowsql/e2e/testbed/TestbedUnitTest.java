package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelectorBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fast tests of the kubelet's pure rules (no processes). */
class TestbedUnitTest {
    @Test
    void variableExpansionFollowsKubernetes() {
        Map<String, String> env = Map.of("A", "x", "B", "y");
        assertThat(PodEnvironment.expand("$(A)-$(B)", env::get)).isEqualTo("x-y");
        assertThat(PodEnvironment.expand("$(MISSING)", env::get)).isEqualTo("$(MISSING)");
        assertThat(PodEnvironment.expand("$$(A)", env::get)).isEqualTo("$(A)");
        assertThat(PodEnvironment.expand("$(A", env::get)).isEqualTo("$(A");
        assertThat(PodEnvironment.expand("cost $5", env::get)).isEqualTo("cost $5");
    }

    @Test
    void mountPathsAreTranslatedInWordsAndFlags() {
        Map<String, Path> m = Map.of("/data", Path.of("/h/pv1"), "/data/sub", Path.of("/h/other"),
            "/etc/cfg", Path.of("/h/cfg"));
        assertThat(PodVolumes.translate("/data", m)).isEqualTo("/h/pv1");
        assertThat(PodVolumes.translate("/data/x/y", m)).isEqualTo("/h/pv1/x/y");
        assertThat(PodVolumes.translate("/data/sub/z", m)).isEqualTo("/h/other/z");
        assertThat(PodVolumes.translate("--dir=/data", m)).isEqualTo("--dir=/h/pv1");
        assertThat(PodVolumes.translate("/etc/cfg/a:/data/b", m)).isEqualTo("/h/cfg/a:/h/pv1/b");
        assertThat(PodVolumes.translate("echo hi > /data/f", m)).isEqualTo("echo hi > /h/pv1/f");
        assertThat(PodVolumes.translate("/database", m)).isEqualTo("/database");
        assertThat(PodVolumes.translate("x/data", m)).isEqualTo("x/data");
        // one pass: a translated host path under /tmp is not translated again by a /tmp mount
        Map<String, Path> t = Map.of("/etc/podinfo", Path.of("/tmp/tb/pods/p/volumes/podinfo"),
            "/tmp", Path.of("/tmp/tb/pods/p/volumes/tmp"));
        assertThat(PodVolumes.translate("/etc/podinfo/annotations", t)).isEqualTo("/tmp/tb/pods/p/volumes/podinfo/annotations");
        assertThat(PodVolumes.translate("/tmp/x:/etc/podinfo", t))
            .isEqualTo("/tmp/tb/pods/p/volumes/tmp/x:/tmp/tb/pods/p/volumes/podinfo");
    }

    @Test
    void argvTranslatesOnceAndLeavesImageWordsAlone() {
        Map<String, Path> mounts = Map.of("/tmp", Path.of("/tmp/tb/p/volumes/tmp"),
            "/var/lib/cowsql", Path.of("/tmp/tb/pv1"));
        var image = ImageTable.ImageCommand.of("java", "-cp", "/tmp/surefire/booter.jar", "Main");
        // env values are translated when the environment is built
        Map<String, String> env = Map.of("DIR", "/tmp/tb/pv1/data");
        assertThat(PodRuntime.argv(image, List.of(), List.of("--dir=$(DIR)", "--log=/tmp/x", "--data=/var/lib/cowsql"),
            env, mounts)).containsExactly("java", "-cp", "/tmp/surefire/booter.jar", "Main",
                "--dir=/tmp/tb/pv1/data", "--log=/tmp/tb/p/volumes/tmp/x", "--data=/tmp/tb/pv1");
    }

    @Test
    void logTailOffsets(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("log");
        Files.writeString(f, "a\nbb\nccc\n");
        assertThat(KubeletServer.tailOffset(f, 1)).isEqualTo(5);
        assertThat(KubeletServer.tailOffset(f, 2)).isEqualTo(2);
        assertThat(KubeletServer.tailOffset(f, 3)).isZero();
        assertThat(KubeletServer.tailOffset(f, 10)).isZero();
        assertThat(KubeletServer.tailOffset(f, 0)).isEqualTo(9);
        Files.writeString(f, "a\nbb");
        assertThat(KubeletServer.tailOffset(f, 1)).isEqualTo(2);
    }

    @Test
    void downwardApiMapFormat() {
        assertThat(PodEnvironment.formatMap(Map.of("b", "2", "a", "say \"hi\"")))
            .isEqualTo("a=\"say \\\"hi\\\"\"\nb=\"2\"");
    }

    @Test
    void resourceFieldRefRoundsUpInDivisorUnits() {
        var c = new ContainerBuilder().withName("c").withNewResources()
            .addToLimits("cpu", new Quantity("1500m")).addToLimits("memory", new Quantity("300Mi"))
            .endResources().build();
        assertThat(PodEnvironment.resourceFieldRef(c, new ResourceFieldSelectorBuilder()
            .withResource("limits.cpu").build())).isEqualTo("2");
        assertThat(PodEnvironment.resourceFieldRef(c, new ResourceFieldSelectorBuilder()
            .withResource("limits.cpu").withDivisor(new Quantity("1m")).build())).isEqualTo("1500");
        assertThat(PodEnvironment.resourceFieldRef(c, new ResourceFieldSelectorBuilder()
            .withResource("limits.memory").withDivisor(new Quantity("1Mi")).build())).isEqualTo("300");
        // requests default to limits
        assertThat(PodEnvironment.resourceFieldRef(c, new ResourceFieldSelectorBuilder()
            .withResource("requests.memory").withDivisor(new Quantity("1Mi")).build())).isEqualTo("300");
    }

    @Test
    void imageTableMatchesRepositoryAndKeepsKubernetesCommandSemantics() {
        ImageTable t = ImageTable.empty()
            .put("cowsql/node", ImageTable.ImageCommand.of("java", "Main").withDefaultArgs(List.of("--x"))
                .withCommandAlias("/usr/bin/cowsql-node", List.of("java", "Main")))
            .put("cowsql/node:special", ImageTable.ImageCommand.of("special"));
        assertThat(t.lookup("cowsql/node:1.2").orElseThrow().entrypoint()).containsExactly("java", "Main");
        assertThat(t.lookup("cowsql/node@sha256:abc").orElseThrow().entrypoint()).containsExactly("java", "Main");
        assertThat(t.lookup("cowsql/node:special").orElseThrow().entrypoint()).containsExactly("special");
        assertThat(t.lookup("other:1")).isEmpty();
        assertThat(ImageTable.repository("registry:5000/a/b:tag")).isEqualTo("registry:5000/a/b");
        var node = t.lookup("cowsql/node").orElseThrow();
        assertThat(node.argv(List.of(), List.of())).containsExactly("java", "Main", "--x");
        assertThat(node.argv(List.of(), List.of("--y"))).containsExactly("java", "Main", "--y");
        assertThat(node.argv(List.of("/usr/bin/cowsql-node", "run"), List.of("--y")))
            .containsExactly("java", "Main", "run", "--y");
        assertThat(node.argv(List.of("sh", "-c", "true"), List.of())).containsExactly("sh", "-c", "true");
    }

    @Test
    void hostsFileLookupAndResolver(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, "# comment\n127.1.1.1 a.b.svc.cluster.local a.b\n127.1.1.2\tsvc.ns.svc.cluster.local # x\n"
            + "127.1.1.3 svc.ns.svc.cluster.local\n");
        assertThat(HostsFile.lookup(f, "A.B.svc.cluster.local.")).contains("127.1.1.1");
        assertThat(HostsFile.lookupAll(f, "svc.ns.svc.cluster.local")).containsExactly("127.1.1.2", "127.1.1.3");
        assertThat(HostsFile.lookup(f, "nope")).isEmpty();
        var r = HostsFile.addressResolver(f);
        assertThat(r.resolve("a.b:9001")).isEqualTo("127.1.1.1:9001");
        assertThat(r.resolve("unknown:9001")).isEqualTo("unknown:9001");
    }
}
