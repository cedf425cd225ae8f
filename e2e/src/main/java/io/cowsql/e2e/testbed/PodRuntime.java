package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One pod on the process kubelet: its volumes, its containers as process groups, probes and status. */
final class PodRuntime implements Runnable {
    private static final Set<String> OWN_CONDITIONS = Set.of("Initialized", "ContainersReady", "Ready");

    final ProcessKubelet kubelet;
    final String namespace;
    final String name;
    final String uid;
    final String nodeName;
    final String podIp;
    final String hostIp;
    final Path podDir;
    private final PodVolumes volumes;
    private volatile Pod pod;
    private volatile boolean podChanged = true;
    private volatile boolean deletionRequested;
    private volatile boolean killNow;
    private final Instant startTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final List<ContainerRt> containers = new ArrayList<>();
    private final List<ContainerRt> initContainers = new ArrayList<>();
    private boolean initialized;
    private boolean volumesReady;
    private String lastStatusJson = "";
    private long lastVolumeSync;
    private Thread thread;
    private volatile boolean finished;

    /** One container: its process and probe state. */
    final class ContainerRt {
        final Container spec;
        final boolean init;
        ManagedProcess proc;
        Instant startedAt;
        int restarts;
        ContainerState lastState;
        ContainerState terminated;
        String waitingReason = "ContainerCreating";
        String waitingMessage;
        long backoffUntil;
        int backoffStep;
        boolean done;
        Probes.State readiness;
        Probes.State liveness;
        Probes.State startup;
        Map<String, String> env = Map.of();
        Map<String, Path> mounts = Map.of();
        Path root;

        ContainerRt(Container spec, boolean init) {
            this.spec = spec;
            this.init = init;
        }

        boolean running() {
            return proc != null && proc.isAlive();
        }

        boolean ready() {
            return running() && (startup == null || startup.result) && (readiness == null || readiness.result);
        }

        String translate(String s) {
            return PodVolumes.translate(s, mounts);
        }
    }

    PodRuntime(ProcessKubelet kubelet, Pod pod, String podIp, String hostIp) {
        this.kubelet = kubelet;
        this.pod = pod;
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.uid = pod.getMetadata().getUid();
        this.nodeName = pod.getSpec().getNodeName();
        this.podIp = podIp;
        this.hostIp = hostIp;
        this.podDir = kubelet.podsDir().resolve(namespace + "_" + name + "_" + uid);
        this.volumes = new PodVolumes(kubelet.client(), podDir, kubelet.caFile());
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().forEach(c -> initContainers.add(new ContainerRt(c, true)));
        }
        pod.getSpec().getContainers().forEach(c -> containers.add(new ContainerRt(c, false)));
    }

    void start() {
        thread = new Thread(this, "kubelet-pod-" + namespace + "/" + name);
        thread.setDaemon(true);
        thread.start();
    }

    Pod pod() { return pod; }
    boolean finished() { return finished; }
    String key() { return namespace + "/" + name; }

    /** The latest object from the API server. */
    void update(Pod p) {
        if (!p.getMetadata().getResourceVersion().equals(pod.getMetadata().getResourceVersion())) {
            this.pod = p;
            this.podChanged = true;
        }
        if (p.getMetadata().getDeletionTimestamp() != null) {
            deletionRequested = true;
        }
    }

    /** The pod is gone from the API (force-deleted) or its node was removed: kill without ceremony. */
    void killNow() {
        killNow = true;
    }

    void join(Duration timeout) {
        if (thread != null) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Fault injection: signal a container's process group (first container when {@code container} is null). */
    boolean signal(String container, String sig) {
        for (ContainerRt c : containers) {
            if ((container == null || c.spec.getName().equals(container)) && c.proc != null) {
                c.proc.signal(sig);
                return true;
            }
        }
        return false;
    }

    /** PIDs (process-group leaders) of running containers. */
    Map<String, Long> pids() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (ContainerRt c : containers) {
            ManagedProcess p = c.proc;
            if (p != null && p.isAlive()) {
                m.put(c.spec.getName(), p.pid());
            }
        }
        return m;
    }

    Path logFile(String container) {
        return podDir.resolve("logs").resolve(container + ".log");
    }

    boolean ready() {
        return initialized && containers.stream().allMatch(ContainerRt::ready);
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            kubelet.log("pod " + key() + " worker failed: " + e);
            e.printStackTrace();
            killAll();
        } finally {
            finished = true;
        }
    }

    private void loop() {
        while (true) {
            if (killNow || kubelet.closing()) {
                killAll();
                return;
            }
            if (deletionRequested) {
                terminate();
                return;
            }
            long now = System.nanoTime();
            try {
                if (podChanged || now - lastVolumeSync > TimeUnit.SECONDS.toNanos(2)) {
                    podChanged = false;
                    lastVolumeSync = now;
                    volumes.sync(pod, podIp, hostIp);
                    volumesReady = true;
                }
                if (!volumesReady) {
                    podChanged = true; // retry the volumes first
                } else if (!initialized) {
                    runInitContainers();
                } else {
                    for (ContainerRt c : containers) {
                        step(c);
                    }
                }
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                for (ContainerRt c : initialized ? containers : initContainers) {
                    if (c.proc == null) {
                        c.waitingReason = "CreateContainerConfigError";
                        c.waitingMessage = msg;
                    }
                }
                kubelet.debug("pod " + key() + ": " + msg);
                event("Warning", volumesReady ? "Failed" : "FailedMount", msg);
                sleepQuietly(500);
            }
            writeStatus();
            sleepQuietly(100);
        }
    }

    private void runInitContainers() {
        for (ContainerRt c : initContainers) {
            if (c.done) {
                continue;
            }
            step(c);
            if (!c.done) {
                return; // still running or backing off
            }
            Integer code = exitCode(c.terminated);
            if (code == null || code != 0) {
                return; // Never restart policy and failed: the pod is Failed
            }
        }
        initialized = true;
    }

    private static Integer exitCode(ContainerState s) {
        return s == null || s.getTerminated() == null ? null : s.getTerminated().getExitCode();
    }

    private String restartPolicy() {
        String p = pod.getSpec().getRestartPolicy();
        return p == null ? "Always" : p;
    }

    private void step(ContainerRt c) {
        if (c.done) {
            return;
        }
        if (c.proc == null) {
            if (System.nanoTime() >= c.backoffUntil) {
                startContainer(c);
            }
            return;
        }
        if (!c.proc.isAlive()) {
            onExit(c, c.proc.exitCode().orElse(-1), null);
            return;
        }
        if (c.init) {
            return;
        }
        if (c.backoffStep > 0 && c.startedAt != null && c.startedAt.isBefore(Instant.now().minusSeconds(10))) {
            c.backoffStep = 0; // stayed up a while: next crash restarts quickly again
        }
        long now = System.nanoTime();
        if (c.startup != null && !c.startup.result) {
            if (now >= c.startup.nextAtNanos) {
                Probes.Outcome o = probe(c, c.startup);
                c.startup.record(o.ok(), o.message());
                if (!o.ok() && c.startup.failures >= c.startup.failureThreshold()) {
                    kubelet.log("pod " + key() + " container " + c.spec.getName() + " failed startup probe: " + o.message());
                    event("Warning", "Unhealthy", "Startup probe failed: " + o.message());
                    killForRestart(c, "startup probe failed");
                }
            }
            return;
        }
        if (c.liveness != null && now >= c.liveness.nextAtNanos) {
            Probes.Outcome o = probe(c, c.liveness);
            c.liveness.record(o.ok(), o.message());
            if (!c.liveness.result) {
                kubelet.log("pod " + key() + " container " + c.spec.getName() + " failed liveness probe: " + o.message());
                event("Warning", "Unhealthy", "Liveness probe failed: " + o.message());
                event("Normal", "Killing", "Container " + c.spec.getName() + " failed liveness probe, will be restarted");
                killForRestart(c, "liveness probe failed");
                return;
            }
        }
        if (c.readiness != null && now >= c.readiness.nextAtNanos) {
            Probes.Outcome o = probe(c, c.readiness);
            if (c.readiness.record(o.ok(), o.message()) && !c.readiness.result) {
                event("Warning", "Unhealthy", "Readiness probe failed: " + o.message());
            }
        }
    }

    private Probes.Outcome probe(ContainerRt c, Probes.State s) {
        s.nextAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.period());
        return Probes.run(s.probe, c.spec, podIp, c.env, c.root, s.timeout(), c::translate);
    }

    private void killForRestart(ContainerRt c, String reason) {
        runPreStop(c, graceSeconds());
        c.proc.stop(Duration.ofSeconds(graceSeconds()));
        onExit(c, c.proc.exitCode().orElse(137), reason);
    }

    private long graceSeconds() {
        Long g = pod.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }

    private void onExit(ContainerRt c, int code, String reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        c.terminated = new ContainerStateBuilder().withNewTerminated()
            .withExitCode(code).withReason(reason != null ? "Error" : code == 0 ? "Completed" : "Error")
            .withMessage(reason)
            .withStartedAt(c.startedAt == null ? null : c.startedAt.toString())
            .withFinishedAt(now.toString()).endTerminated().build();
        kubelet.registry().remove(c.proc.pid());
        c.proc = null;
        c.readiness = null;
        c.liveness = null;
        c.startup = null;
        String policy = c.init && "Always".equals(restartPolicy()) ? "OnFailure" : restartPolicy();
        boolean restart = "Always".equals(policy) || ("OnFailure".equals(policy) && code != 0);
        kubelet.debug("pod " + key() + " container " + c.spec.getName() + " exited " + code
            + (restart ? ", restarting" : ""));
        if (restart) {
            c.lastState = c.terminated;
            c.terminated = null;
            c.restarts++;
            long delayMs = Math.min(kubelet.options().maxRestartBackoff().toMillis(),
                kubelet.options().restartBackoff().toMillis() << Math.min(10, c.backoffStep));
            c.backoffStep++;
            c.backoffUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
            c.waitingReason = "CrashLoopBackOff";
            event("Warning", "BackOff", "Back-off restarting failed container " + c.spec.getName());
            c.waitingMessage = "back-off " + delayMs + "ms restarting failed container";
        } else {
            c.done = true;
        }
    }

    private void startContainer(ContainerRt c) {
        Container spec = c.spec;
        Optional<ImageTable.ImageCommand> image = kubelet.images().lookup(spec.getImage());
        if (image.isEmpty()) {
            c.waitingReason = "ErrImagePull";
            c.waitingMessage = "image " + spec.getImage() + " is not in the process kubelet's image table";
            event("Warning", "Failed", "Failed to pull image \"" + spec.getImage() + "\": " + c.waitingMessage);
            c.backoffUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            return;
        }
        c.mounts = volumes.mounts(pod, spec.getVolumeMounts());
        c.root = podDir.resolve("rootfs").resolve(spec.getName());
        PodVolumes.linkRoot(c.root, c.mounts);
        Map<String, String> resolved = PodEnvironment.resolve(kubelet.client(), pod, spec, podIp, hostIp);
        Map<String, String> env = new LinkedHashMap<>(ControlPlane.baseEnv());
        env.put("HOME", c.root.toString());
        env.put("HOSTNAME", hostname());
        env.putAll(kubelet.testbedEnv(this, c.root));
        // Image env may refer to the testbed's variables, e.g. QUARKUS_HTTP_HOST=$(TESTBED_POD_IP).
        image.get().env().forEach((k, v) -> env.put(k, PodEnvironment.expand(v, env::get)));
        resolved.forEach((k, v) -> env.put(k, c.translate(v)));
        Path bin = writeAliasWrappers(spec.getName(), image.get());
        if (bin != null) {
            env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        }
        c.env = env;
        // Container paths in the pod's command and args are translated; the image's own words are host
        // paths already (a classpath under /tmp must not be mapped into a pod's /tmp volume).
        List<String> argv = argv(image.get(), spec.getCommand(), spec.getArgs(), env, c.mounts);
        // Under the pod's own group id, so that NetworkPartitions can cut the pod off (see podGroup).
        List<String> partitionable = new ArrayList<>(NetworkPartitions.podCommandPrefix(podIp));
        partitionable.addAll(argv);
        argv = partitionable;
        Path dir = c.root;
        if (spec.getWorkingDir() != null && !spec.getWorkingDir().isEmpty()) {
            dir = Path.of(c.translate(spec.getWorkingDir()));
        }
        try {
            Files.createDirectories(dir);
            c.proc = ManagedProcess.start(key() + "/" + spec.getName(), argv, env, dir,
                logFile(spec.getName()), kubelet.registry());
        } catch (IOException e) {
            c.waitingReason = "RunContainerError";
            c.waitingMessage = e.getMessage();
            c.backoffUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            return;
        }
        kubelet.debug("pod " + key() + " container " + spec.getName() + " started pid " + c.proc.pid() + ": " + argv);
        event("Normal", "Started", "Started container " + spec.getName() + " (pid " + c.proc.pid() + ")");
        c.startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        c.waitingReason = null;
        c.waitingMessage = null;
        c.terminated = null;
        long now = System.nanoTime();
        c.readiness = spec.getReadinessProbe() == null ? null : new Probes.State(spec.getReadinessProbe(), now, false);
        c.liveness = spec.getLivenessProbe() == null ? null : new Probes.State(spec.getLivenessProbe(), now, true);
        c.startup = spec.getStartupProbe() == null ? null : new Probes.State(spec.getStartupProbe(), now, false);
    }

    /**
     * The image's command aliases with plain names ({@code cowsql-node}) become scripts on the container's
     * PATH, so that shell commands in a pod spec can run them as they would inside the image.
     */
    private Path writeAliasWrappers(String container, ImageTable.ImageCommand image) {
        if (image.commandAliases().keySet().stream().noneMatch(k -> !k.contains("/"))) {
            return null;
        }
        Path bin = podDir.resolve("bin").resolve(container);
        try {
            Files.createDirectories(bin);
            for (Map.Entry<String, List<String>> e : image.commandAliases().entrySet()) {
                if (e.getKey().contains("/")) {
                    continue;
                }
                StringBuilder sb = new StringBuilder("#!/bin/sh\nexec");
                for (String w : e.getValue()) {
                    sb.append(" '").append(w.replace("'", "'\\''")).append('\'');
                }
                sb.append(" \"$@\"\n");
                Path f = bin.resolve(e.getKey());
                Files.writeString(f, sb);
                f.toFile().setExecutable(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin;
    }

    /**
     * The process argv: literal container paths in the pod's command and args are translated first,
     * then {@code $(VAR)} expands to the (already translated) env values; the image's words stay as they
     * are (host paths).
     */
    static List<String> argv(ImageTable.ImageCommand image, List<String> command, List<String> args,
                             Map<String, String> env, Map<String, Path> mounts) {
        return image.argv(PodEnvironment.expandAll(translateAll(command, mounts), env),
            PodEnvironment.expandAll(translateAll(args, mounts), env));
    }

    private static List<String> translateAll(List<String> words, Map<String, Path> mounts) {
        return words == null ? List.of() : words.stream().map(w -> PodVolumes.translate(w, mounts)).toList();
    }

    String hostname() {
        String h = pod.getSpec().getHostname();
        return h == null || h.isEmpty() ? name : h;
    }

    private void runPreStop(ContainerRt c, long graceSeconds) {
        if (c.spec.getLifecycle() == null || c.spec.getLifecycle().getPreStop() == null || !c.running()) {
            return;
        }
        LifecycleHandler h = c.spec.getLifecycle().getPreStop();
        Probe p = new Probe();
        p.setExec(h.getExec());
        p.setHttpGet(h.getHttpGet());
        p.setTcpSocket(h.getTcpSocket());
        int t = (int) Math.max(1, graceSeconds);
        Probes.Outcome o = Probes.run(p, c.spec, podIp, c.env, c.root, t, c::translate);
        kubelet.debug("pod " + key() + " preStop " + c.spec.getName() + ": " + o.message());
    }

    /** Graceful deletion: preStop hooks, SIGTERM, grace period, SIGKILL; then the final delete. */
    private void terminate() {
        Pod p = pod;
        long grace = p.getMetadata().getDeletionGracePeriodSeconds() != null
            ? p.getMetadata().getDeletionGracePeriodSeconds() : graceSeconds();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace);
        event("Normal", "Killing", "Stopping containers (grace period " + grace + "s)");
        List<Thread> stoppers = new ArrayList<>();
        for (ContainerRt c : containers) {
            if (!c.running()) {
                continue;
            }
            Thread t = new Thread(() -> {
                runPreStop(c, grace);
                long left = Math.max(0, deadline - System.nanoTime());
                c.proc.stop(Duration.ofNanos(left));
            }, "kubelet-stop-" + key() + "/" + c.spec.getName());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        killAll();
        for (ContainerRt c : containers) {
            if (c.terminated == null && c.startedAt != null) {
                c.terminated = new ContainerStateBuilder().withNewTerminated().withExitCode(143).withReason("Error")
                    .withStartedAt(c.startedAt.toString()).withFinishedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                    .endTerminated().build();
            }
        }
        try {
            kubelet.client().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            kubelet.debug("final delete of " + key() + ": " + e.getMessage());
        }
        kubelet.log("pod " + key() + " terminated");
    }

    private void killAll() {
        for (ContainerRt c : initContainers) {
            if (c.proc != null) {
                c.proc.kill();
            }
        }
        for (ContainerRt c : containers) {
            if (c.proc != null) {
                c.proc.kill();
            }
        }
    }

    // ---- status --------------------------------------------------------------------------------

    private void writeStatus() {
        if (kubelet.partitioned(nodeName)) {
            lastStatusJson = ""; // write the full status again once reconnected
            return;
        }
        PodStatus st = status();
        String json = Serialization.asJson(st);
        if (json.equals(lastStatusJson)) {
            return;
        }
        try {
            Map<String, Object> patch = Map.of("status", st);
            kubelet.client().pods().inNamespace(namespace).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
            lastStatusJson = json;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                killNow = true;
            }
            kubelet.debug("status of " + key() + ": " + e.getMessage());
        }
    }

    private PodStatus status() {
        Pod p = pod;
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<ContainerStatus> cs = new ArrayList<>();
        for (ContainerRt c : containers) {
            cs.add(containerStatus(c));
        }
        List<ContainerStatus> ics = new ArrayList<>();
        for (ContainerRt c : initContainers) {
            ics.add(containerStatus(c));
        }
        boolean containersReady = initialized && containers.stream().allMatch(ContainerRt::ready);
        boolean gatesOk = true;
        if (p.getSpec().getReadinessGates() != null) {
            for (PodReadinessGate g : p.getSpec().getReadinessGates()) {
                gatesOk &= p.getStatus() != null && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(x -> x.getType().equals(g.getConditionType()) && "True".equals(x.getStatus()));
            }
        }
        String phase;
        boolean anyInitFailed = initContainers.stream().anyMatch(c -> c.done && !Integer.valueOf(0).equals(exitCode(c.terminated)));
        if (anyInitFailed) {
            phase = "Failed";
        } else if (!initialized) {
            phase = "Pending";
        } else if (containers.stream().allMatch(c -> c.done)) {
            phase = containers.stream().allMatch(c -> Integer.valueOf(0).equals(exitCode(c.terminated)))
                ? "Succeeded" : "Failed";
        } else if (containers.stream().anyMatch(c -> c.startedAt != null)) {
            phase = "Running";
        } else {
            phase = "Pending";
        }
        List<PodCondition> conds = new ArrayList<>();
        Map<String, PodCondition> old = new LinkedHashMap<>();
        if (p.getStatus() != null && p.getStatus().getConditions() != null) {
            for (PodCondition c : p.getStatus().getConditions()) {
                if (OWN_CONDITIONS.contains(c.getType())) {
                    old.put(c.getType(), c);
                } else {
                    conds.add(c);
                }
            }
        }
        conds.add(condition(old, "Initialized", initialized, now));
        conds.add(condition(old, "ContainersReady", containersReady, now));
        conds.add(condition(old, "Ready", containersReady && gatesOk, now));
        return new PodStatusBuilder()
            .withPhase(phase)
            .withHostIP(hostIp)
            .withPodIP(podIp)
            .withPodIPs(new PodIP(podIp))
            .withStartTime(startTime.toString())
            .withQosClass(p.getStatus() == null ? null : p.getStatus().getQosClass())
            .withConditions(conds)
            .withContainerStatuses(cs)
            .withInitContainerStatuses(ics.isEmpty() ? null : ics)
            .build();
    }

    private PodCondition condition(Map<String, PodCondition> old, String type, boolean value, String now) {
        String s = value ? "True" : "False";
        String[] prev = transitions.get(type);
        if (prev == null) {
            PodCondition o = old.get(type);
            if (o != null && s.equals(o.getStatus()) && o.getLastTransitionTime() != null) {
                prev = new String[] {s, o.getLastTransitionTime()};
                transitions.put(type, prev);
            }
        }
        if (prev == null || !prev[0].equals(s)) {
            prev = new String[] {s, now};
            transitions.put(type, prev);
        }
        return new PodConditionBuilder().withType(type).withStatus(s).withLastTransitionTime(prev[1])
            .withReason(value ? null : type.equals("Initialized") ? "ContainersNotInitialized" : "ContainersNotReady")
            .build();
    }

    private final Map<String, String[]> transitions = new LinkedHashMap<>();

    private ContainerStatus containerStatus(ContainerRt c) {
        ContainerState state;
        ManagedProcess proc = c.proc;
        if (proc != null) {
            state = new ContainerStateBuilder().withNewRunning().withStartedAt(c.startedAt.toString()).endRunning().build();
        } else if (c.terminated != null) {
            state = c.terminated;
        } else {
            state = new ContainerStateBuilder().withNewWaiting().withReason(c.waitingReason)
                .withMessage(c.waitingMessage).endWaiting().build();
        }
        return new ContainerStatusBuilder()
            .withName(c.spec.getName())
            .withImage(c.spec.getImage())
            .withImageID("testbed://" + c.spec.getImage())
            .withContainerID(proc == null ? null : "process://" + proc.pid())
            .withReady(!c.init && c.ready() || c.init && c.done)
            .withStarted(c.init ? null : proc != null && (c.startup == null || c.startup.result))
            .withRestartCount(c.restarts)
            .withState(state)
            .withLastState(c.lastState == null ? new ContainerState() : c.lastState)
            .build();
    }

    private final Map<String, String> lastEvents = new LinkedHashMap<>();

    /** Records a Kubernetes Event for this pod (each reason/message pair once in a row). */
    private void event(String type, String reason, String message) {
        if (message.equals(lastEvents.put(reason, message))) {
            return;
        }
        kubelet.event(pod, type, reason, message);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Removes the pod's private directories (not PV directories). */
    void cleanup() {
        try {
            if (Files.exists(podDir)) {
                try (var s = Files.walk(podDir)) {
                    for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (x.startsWith(podDir.resolve("logs")) || x.equals(podDir)) {
                            continue; // keep logs for post-mortems
                        }
                        Files.deleteIfExists(x);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
