package io.cowsql.e2e.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local image run as a real container, as a kubelet's runtime runs a pod's container: buildah
 * mounts the image's root filesystem, runc runs it with the image's entrypoint, command, environment
 * and working directory, a read-only root, the given non-root user, no capabilities and
 * no-new-privileges, a tmpfs on /tmp (a pod's emptyDir) and bind mounts for volumes. The container
 * shares the host's network namespace (these machines allow loopback only), everything else is
 * its own (pid, mount, ipc, uts). Closing it kills the container and removes every trace.
 */
final class RuncContainer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** What to run: the image and the pod-like settings on top of its configuration. */
  record Spec(String image, long uid, long gid, List<String> args, Map<String, String> env,
      Map<Path, String> volumes, Map<Path, String> readOnlyFiles) {
    static Spec of(String image, long uid) {
      return new Spec(image, uid, uid, null, Map.of(), Map.of(), Map.of());
    }

    Spec withArgs(String... a) {
      return new Spec(image, uid, gid, List.of(a), env, volumes, readOnlyFiles);
    }

    Spec withEnv(String name, String value) {
      Map<String, String> e = new LinkedHashMap<>(env);
      e.put(name, value);
      return new Spec(image, uid, gid, args, e, volumes, readOnlyFiles);
    }

    /** A writable host directory at {@code path} in the container (a pod's volume). */
    Spec withVolume(Path host, String path) {
      Map<Path, String> v = new LinkedHashMap<>(volumes);
      v.put(host, path);
      return new Spec(image, uid, gid, args, env, v, readOnlyFiles);
    }

    /** A host file, read-only, at {@code path} in the container (a pod's secret or config map). */
    Spec withReadOnlyFile(Path host, String path) {
      Map<Path, String> v = new LinkedHashMap<>(readOnlyFiles);
      v.put(host, path);
      return new Spec(image, uid, gid, args, env, volumes, v);
    }
  }

  final String id;
  private final String buildahContainer;
  private final Path bundle;
  private final Path log;
  private final Process runc;

  private RuncContainer(String id, String buildahContainer, Path bundle, Path log, Process runc) {
    this.id = id;
    this.buildahContainer = buildahContainer;
    this.bundle = bundle;
    this.log = log;
    this.runc = runc;
  }

  /** Starts the container; its output (stdout and stderr) goes to {@code <work>/<id>.log}. */
  static RuncContainer start(Spec spec, Path work) throws IOException, InterruptedException {
    String id = "cowsql-images-test-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    JsonNode image = inspect(spec.image()).path("OCIv1").path("config");
    String ctr = run(Duration.ofSeconds(60), "buildah", "from", "--pull-never", "--name", id, spec.image()).trim();
    Path bundle = work.resolve(id).toAbsolutePath();
    try {
      Path rootfs = Path.of(run(Duration.ofSeconds(60), "buildah", "mount", ctr).trim());
      Files.createDirectories(bundle);
      Files.writeString(bundle.resolve("config.json"), config(spec, image, rootfs).toPrettyString());
      Path log = work.resolve(id + ".log").toAbsolutePath();
      Process p = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id)
          .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
              Path.of("/dev/null").toFile()))
          .start();
      return new RuncContainer(id, ctr, bundle, log, p);
    } catch (IOException | RuntimeException e) {
      removeQuietly(id, ctr);
      throw e;
    }
  }

  /** buildah's description of a local image (its OCI configuration under OCIv1). */
  static JsonNode inspect(String image) throws IOException, InterruptedException {
    return JSON.readTree(run(Duration.ofSeconds(60), "buildah", "inspect", "--type", "image", image));
  }

  private static ObjectNode config(Spec spec, JsonNode image, Path rootfs) {
    ObjectNode c = JSON.createObjectNode();
    c.put("ociVersion", "1.0.2");
    ObjectNode process = c.putObject("process");
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", spec.uid());
    user.put("gid", spec.gid());
    ArrayNode args = process.putArray("args");
    strings(image.get("Entrypoint")).forEach(args::add);
    (spec.args() != null ? spec.args() : strings(image.get("Cmd"))).forEach(args::add);
    ArrayNode env = process.putArray("env");
    strings(image.get("Env")).stream().filter(e -> !spec.env().containsKey(e.substring(0, e.indexOf('='))))
        .forEach(env::add);
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    String cwd = image.path("WorkingDir").asText("");
    process.put("cwd", cwd.isEmpty() ? "/" : cwd);
    // no capabilities at all (the pods drop ALL), and no way to gain privileges
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
      caps.putArray(set);
    }
    process.put("noNewPrivileges", true);

    ObjectNode root = c.putObject("root");
    root.put("path", rootfs.toString());
    root.put("readonly", true);
    c.put("hostname", "cowsql-images-test");

    ArrayNode mounts = c.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
    mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620");
    mount(mounts, "/dev/shm", "shm", "tmpfs", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777", "size=65536k");
    // the host's resolver: the container shares its network namespace
    mount(mounts, "/etc/resolv.conf", "/etc/resolv.conf", "bind", "rbind", "ro");
    spec.volumes().forEach((host, path) -> mount(mounts, path, host.toAbsolutePath().toString(), "bind", "rbind", "rw"));
    spec.readOnlyFiles().forEach((host, path) -> mount(mounts, path, host.toAbsolutePath().toString(), "bind", "rbind",
        "ro"));

    ObjectNode linux = c.putObject("linux");
    ArrayNode ns = linux.putArray("namespaces");
    for (String type : List.of("pid", "ipc", "uts", "mount")) {
      ns.addObject().put("type", type);
    }
    linux.putObject("resources").putArray("devices").addObject().put("allow", false).put("access", "rwm");
    ArrayNode masked = linux.putArray("maskedPaths");
    List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/sys/firmware", "/proc/scsi").forEach(masked::add);
    ArrayNode readonly = linux.putArray("readonlyPaths");
    List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")
        .forEach(readonly::add);
    return c;
  }

  private static void mount(ArrayNode mounts, String destination, String source, String type, String... options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination);
    m.put("type", type);
    m.put("source", source);
    ArrayNode o = m.putArray("options");
    for (String option : options) {
      o.add(option);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /** The container's output so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the container to end; its exit status, or empty on a timeout. */
  java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return runc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(runc.exitValue())
        : java.util.OptionalInt.empty();
  }

  /** Sends a signal to the container's first process (tini), as a kubelet stopping the container does. */
  void signal(String signal) throws IOException, InterruptedException {
    run(Duration.ofSeconds(30), "runc", "kill", id, signal);
  }

  /** Runs a command in the running container (as {@code kubectl exec} does), with the container's user and env. */
  Exec exec(Duration timeout, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("runc", "exec", id));
    cmd.addAll(List.of(command));
    return execute(timeout, cmd);
  }

  /** Host pids of the container's processes. */
  List<Long> pids() throws IOException, InterruptedException {
    JsonNode ps = JSON.readTree(run(Duration.ofSeconds(30), "runc", "ps", "--format", "json", id));
    List<Long> out = new ArrayList<>();
    ps.forEach(n -> out.add(n.asLong()));
    return out;
  }

  @Override
  public void close() throws IOException {
    try {
      if (runc.isAlive()) {
        new ProcessBuilder("runc", "kill", id, "KILL").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        runc.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      runc.destroyForcibly();
      removeQuietly(id, buildahContainer);
      deleteTree(bundle);
    }
  }

  /** Removes the runc container and buildah's working container (and its mount), also when interrupted. */
  private static void removeQuietly(String id, String ctr) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      new ProcessBuilder("runc", "delete", "--force", id).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
      new ProcessBuilder("buildah", "rm", ctr).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A finished command: its exit status and its output (stdout and stderr). */
  record Exec(int exit, String output) {}

  static Exec execute(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
        Path.of("/dev/null").toFile())).start();
    byte[][] out = new byte[1][];
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        out[0] = in.readAllBytes();
      } catch (IOException e) {
        out[0] = new byte[0];
      }
    }, "exec-output");
    reader.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      reader.join(5_000);
      throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", cmd));
    }
    reader.join(5_000);
    return new Exec(p.exitValue(), new String(out[0] == null ? new byte[0] : out[0], StandardCharsets.UTF_8));
  }

  /** Runs a command; its output; fails on a non-zero exit naming the command and its output. */
  static String run(Duration timeout, String... cmd) throws IOException, InterruptedException {
    Exec e = execute(timeout, List.of(cmd));
    if (e.exit() != 0) {
      throw new IllegalStateException("exit " + e.exit() + ": " + String.join(" ", cmd) + "\n" + e.output());
    }
    return e.output();
  }
}
