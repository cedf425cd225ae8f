package io.cowsql.node.agent;

import io.cowsql.node.TestEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One node agent in its own JVM process, started from the test classpath. */
public final class AgentProcess implements AutoCloseable {
  /** The image's JVM options (an argument file in the module's directory, the tests' working dir). */
  static final List<String> JVM_FLAGS = List.of("@" + Path.of("jvm.options").toAbsolutePath());
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final String address;
  final String http;
  final Path dir;
  final Path log;
  final List<String> args;
  final Map<String, String> env;
  private Process process;

  AgentProcess(String name, String address, String http, Path dir, Path log, List<String> args, Map<String, String> env) {
    this.name = name;
    this.address = address;
    this.http = http;
    this.dir = dir;
    this.log = log;
    this.args = args;
    this.env = env;
  }

  static String classpath() {
    String cp = System.getProperty("java.class.path");
    String s = System.getProperty("surefire.test.class.path");
    if (s != null && !s.isBlank() && (cp == null || cp.contains("surefirebooter"))) {
      cp = s;
    }
    return cp;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Run the NodeAgent main class with the given arguments as a new process. */
  static Process launch(List<String> agentArgs, Map<String, String> env, Path log) throws IOException {
    return launch(JVM_FLAGS, agentArgs, env, log);
  }

  /** The same with other JVM flags (the benchmark tries some). */
  static Process launch(List<String> jvmFlags, List<String> agentArgs, Map<String, String> env, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("io.cowsql.node.NodeAgent");
    cmd.addAll(agentArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // None of this JVM's COWSQL_* settings leak into an agent, except the engine this run asks
    // for; a test's own env (a missing library, say) wins.
    pb.environment().keySet().removeIf(k -> k.startsWith("COWSQL_"));
    pb.environment().putAll(TestEngine.agentEnvironment());
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  AgentProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    Files.writeString(log, "---- start " + name + " " + args + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = launch(args, env, log);
    return this;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, without waiting. */
  void signalTerm() {
    process.destroy();
  }

  /** SIGTERM, then wait for the exit code. */
  int terminate(Duration wait) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  /** SIGKILL. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  int waitForExit(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      return Integer.MIN_VALUE;
    }
    return process.exitValue();
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + http + path)).timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + http + path)).timeout(Duration.ofSeconds(15)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status() throws IOException, InterruptedException {
    return Json.parseObject(get("/status").body());
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return name + "(" + address + ", pid " + (process == null ? "-" : process.pid()) + ")";
  }
}
