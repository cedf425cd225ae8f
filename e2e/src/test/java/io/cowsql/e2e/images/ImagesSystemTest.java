package io.cowsql.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.e2e.testbed.ControlPlane;
import io.cowsql.e2e.testbed.ControlPlaneBinaries;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/build-images on this machine (no container registry: a debootstrap'ed base, the Dockerfiles built with
 * buildah), and the images it built run as real containers (runc, read-only root, non-root user, no
 * capabilities, host network on loopback): the node image's agent on libcowsql with its data on the volume and
 * the cowsql shell run inside it, SIGTERM through tini; the operator image's operator against a real API server.
 * Runs as root (buildah, runc), as CI does. The first build on a machine takes minutes (the base image and the
 * Java build); later runs reuse the images from buildah's storage while their inputs are unchanged.
 */
@SystemTier
class ImagesSystemTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** The user the node pods run as (the operator's StatefulSet) and the one of the operator's chart. */
  static final long NODE_UID = 10001;
  static final long OPERATOR_UID = 185;
  static final Pattern ROW = Pattern.compile("^(\\S+/cowsql-(base|node|operator):\\S+)\\s+([0-9a-f]{12})\\s+(.+?)\\s{2}(.+)$",
      Pattern.MULTILINE);

  static Path repo;
  static Path work;
  static String firstBuild;
  static String base;
  static String node;
  static String operator;

  @BeforeAll
  static void build() throws Exception {
    String uid = RuncContainer.run(Duration.ofSeconds(10), "id", "-u").trim();
    assertThat(uid).as("buildah and runc need root here (CI runs as root)").isEqualTo("0");
    repo = repository();
    work = Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolve("images").toAbsolutePath();
    Files.createDirectories(work);
    RuncContainer.Exec built = buildImages();
    assertThat(built.exit()).as("bin/build-images:\n%s", built.output()).isZero();
    firstBuild = built.output();
    base = image(firstBuild, "base");
    node = image(firstBuild, "node");
    operator = image(firstBuild, "operator");
  }

  static RuncContainer.Exec buildImages() throws IOException, InterruptedException {
    return RuncContainer.execute(Duration.ofMinutes(40), List.of(repo.resolve("bin/build-images").toString()));
  }

  static Path repository() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("bin/build-images"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find the repository root (bin/build-images) from " + Path.of("").toAbsolutePath());
  }

  /** The name of the image of {@code kind} in bin/build-images' table. */
  static String image(String output, String kind) {
    Matcher m = ROW.matcher(output);
    while (m.find()) {
      if (m.group(2).equals(kind)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no cowsql-" + kind + " row in bin/build-images' output:\n" + output);
  }

  static String inspect(String image, String format) throws IOException, InterruptedException {
    return RuncContainer.run(Duration.ofSeconds(60), "buildah", "inspect", "--type", "image", "--format", format, image)
        .trim();
  }

  static List<String> diffIds(String image) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    RuncContainer.inspect(image).path("OCIv1").path("rootfs").path("diff_ids").forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void bothImagesAreBuiltFromTheLocalDebootstrapBaseWithoutARegistry() throws Exception {
    assertThat(inspect(base, "{{index .OCIv1.Config.Labels \"io.cowsql.base.recipe\"}}"))
        .contains("suite bookworm", "variant minbase");
    List<String> baseLayers = diffIds(base);
    assertThat(baseLayers).isNotEmpty();
    for (String image : List.of(node, operator)) {
      List<String> layers = diffIds(image);
      assertThat(layers).as("%s is FROM the base", image).startsWith(baseLayers.toArray(String[]::new))
          .hasSizeGreaterThan(baseLayers.size());
    }
    // the names in the table are the images in buildah's storage
    assertThat(RuncContainer.run(Duration.ofSeconds(60), "buildah", "images", "--format", "{{.Name}}:{{.Tag}}"))
        .contains(node, operator, base);
  }

  @Test
  void aSecondRunFindsEveryImageCachedAndKeepsTheirIds() throws Exception {
    String nodeId = inspect(node, "{{.FromImageID}}");
    String operatorId = inspect(operator, "{{.FromImageID}}");
    RuncContainer.Exec again = buildImages();
    assertThat(again.exit()).as("%s", again.output()).isZero();
    Matcher m = ROW.matcher(again.output());
    int rows = 0;
    while (m.find()) {
      rows++;
      assertThat(m.group(5).trim()).as("%s", again.output()).isEqualTo("cached");
    }
    assertThat(rows).as("%s", again.output()).isEqualTo(3);
    assertThat(inspect(node, "{{.FromImageID}}")).isEqualTo(nodeId);
    assertThat(inspect(operator, "{{.FromImageID}}")).isEqualTo(operatorId);
  }

  @Test
  void theNodeImagesEntrypointRunsTheAgent() throws Exception {
    try (RuncContainer c = RuncContainer.start(RuncContainer.Spec.of(node, NODE_UID).withArgs("--help"), work)) {
      OptionalInt exit = c.awaitExit(Duration.ofMinutes(2));
      assertThat(exit).as("%s", c.output()).hasValue(0);
      assertThat(c.output()).contains("--dir", "COWSQL_DIR", "--address", "COWSQL_ADDRESS");
    }
  }

  @Test
  void aNodeContainerServesOnLibcowsqlFromTheImageAsNonRootOnAReadOnlyRootAndStopsWithExitZeroOnSigterm()
      throws Exception {
    Path volume = Files.createTempDirectory(work, "node-volume-");
    // what a pod's fsGroup does for the volume: the node's group owns it
    RuncContainer.run(Duration.ofSeconds(10), "chown", NODE_UID + ":" + NODE_UID, volume.toString());
    int port = ControlPlane.freePort();
    int http = ControlPlane.freePort();
    RuncContainer.Spec spec = RuncContainer.Spec.of(node, NODE_UID)
        .withEnv("COWSQL_ADDRESS", "127.0.0.1:" + port)
        .withEnv("COWSQL_BOOTSTRAP", "true")
        .withEnv("COWSQL_HTTP", "127.0.0.1:" + http)
        .withVolume(volume, "/var/lib/cowsql");
    try (RuncContainer c = RuncContainer.start(spec, work)) {
      awaitOk(c, "http://127.0.0.1:" + http + "/readyz", Duration.ofMinutes(3));

      JsonNode engine = JSON.readTree(get("http://127.0.0.1:" + http + "/status").body()).path("engine");
      assertThat(engine.path("name").asText()).as("%s", engine).isEqualTo("cowsql");
      assertThat(engine.path("library").asText()).as("%s", engine)
          .startsWith("/usr/lib/x86_64-linux-gnu/libcowsql.so.0");
      assertThat(engine.path("handover").asText()).isEqualTo("native");

      // every process of the container runs as the node's user
      List<Long> pids = c.pids();
      assertThat(pids).isNotEmpty();
      for (long pid : pids) {
        assertThat(uids(pid)).as("uids of container process %d", pid).containsOnly(NODE_UID);
      }

      // a write through the key/value API, read back with the image's own cowsql shell (as kubectl exec does)
      HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/images-test"))
          .PUT(HttpRequest.BodyPublishers.ofString("written-in-a-container")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as("%s", put.body()).isEqualTo(200);
      RuncContainer.Exec shell = c.exec(Duration.ofMinutes(2), "cowsql", "-s", "127.0.0.1:" + port, "demo",
          "SELECT value FROM model WHERE key = 'images-test'");
      assertThat(shell.exit()).as("%s", shell.output()).isZero();
      assertThat(shell.output()).contains("written-in-a-container");

      // the root filesystem is read-only; the agent's data is on the volume, owned by its user
      RuncContainer.Exec write = c.exec(Duration.ofSeconds(30), "sh", "-c", "echo x > /opt/cowsql/x");
      assertThat(write.exit()).isNotZero();
      assertThat(write.output()).contains("Read-only file system");
      try (var entries = Files.list(volume)) {
        assertThat(entries.map(e -> e.getFileName().toString()).toList()).as("the volume holds the data dir only")
            .containsExactly("data");
      }
      Path identity = volume.resolve("data/identity.json");
      assertThat(identity).exists();
      assertThat(Files.getAttribute(identity, "unix:uid")).isEqualTo((int) NODE_UID);

      // SIGTERM to the container's first process (tini) reaches the JVM: handover, stop, exit 0
      c.signal("TERM");
      OptionalInt exit = c.awaitExit(Duration.ofSeconds(60));
      assertThat(exit).as("%s", c.output()).hasValue(0);
    }
  }

  @Test
  void anOperatorContainerBecomesReadyAgainstARealApiServerAsItsChartsUser() throws Exception {
    Path cpWork = work.resolve("control-plane");
    Path scripts = Path.of(System.getProperty("cowsql.e2e.scriptsDir", "scripts"));
    try (ControlPlane cp = ControlPlane.start(ControlPlane.Options.defaults(cpWork, ControlPlaneBinaries.locate(scripts)));
        KubernetesClient k = cp.newClient()) {
      try (InputStream in = Files.newInputStream(repo.resolve("crds/cowsqlclusters.cowsql.io-v1.yml"))) {
        k.load(in).fieldManager("images-test").forceConflicts().serverSideApply();
      }
      int http = ControlPlane.freePort();
      RuncContainer.Spec spec = RuncContainer.Spec.of(operator, OPERATOR_UID)
          .withEnv("KUBECONFIG", "/etc/cowsql/kubeconfig")
          .withEnv("KUBERNETES_NAMESPACE", "default")
          .withEnv("QUARKUS_HTTP_HOST", "127.0.0.1")
          .withEnv("QUARKUS_HTTP_PORT", Integer.toString(http))
          .withEnv("QUARKUS_OPERATOR_SDK_NAMESPACES", "JOSDK_ALL_NAMESPACES")
          .withReadOnlyFile(cp.kubeconfig(), "/etc/cowsql/kubeconfig");
      try (RuncContainer c = RuncContainer.start(spec, work)) {
        awaitOk(c, "http://127.0.0.1:" + http + "/q/health/ready", Duration.ofMinutes(4));
        for (long pid : c.pids()) {
          assertThat(uids(pid)).as("uids of container process %d", pid).containsOnly(OPERATOR_UID);
        }
        c.signal("TERM");
        OptionalInt exit = c.awaitExit(Duration.ofSeconds(60));
        // the JVM's status after an orderly shutdown on SIGTERM (its shutdown hooks ran; a SIGKILL would be 137)
        assertThat(exit).as("the operator stops on SIGTERM:\n%s", c.output()).hasValue(143);
      }
    }
  }

  /** Real, effective, saved and filesystem uid of a host process. */
  static List<Long> uids(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("Uid:")) {
        List<Long> out = new ArrayList<>();
        for (String f : line.substring(4).trim().split("\\s+")) {
          out.add(Long.parseLong(f));
        }
        return out;
      }
    }
    throw new IllegalStateException("no Uid line in /proc/" + pid + "/status");
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until {@code url} answers 200; fails with the container's output if it ends or the time runs out. */
  static void awaitOk(RuncContainer c, String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      OptionalInt ended = c.awaitExit(Duration.ZERO);
      assertThat(ended).as("the container ended (exit %s) before %s answered 200:\n%s", ended, url, c.output()).isEmpty();
      try {
        HttpResponse<String> r = get(url);
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(url + " did not answer 200 within " + timeout + " (last: " + last + "):\n" + c.output());
  }
}
