package io.cowsql.e2e.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster's pods sampled every 200 ms in the background, for what must hold at every moment of a rollout and for
 * the order it took: the most pods not Ready at once (a terminating pod and a missing one count as not Ready), and
 * each pod's incarnations (UIDs) in the order they appeared, so a restart is a new UID and the restart order is the
 * order new UIDs appeared in. Whoever the operator reported as leader is sampled with them.
 */
final class PodRestartRecorder implements AutoCloseable {
  /** A new incarnation of a pod: its name and UID, when it was first seen, and the leader the status named then. */
  record Restart(String pod, String uid, long atMillis, String leaderThen) {}

  private final KubernetesClient client;
  private final CowsqlClusterApi api;
  private final String name;
  private final int replicas;
  private final Map<String, String> initialUids = new TreeMap<>();
  private final Map<String, String> seenUids = new LinkedHashMap<>(); // uid -> pod
  private final List<Restart> restarts = new CopyOnWriteArrayList<>();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final long t0 = System.currentTimeMillis();
  private final Thread thread;
  private volatile int maxNotReady;
  private final String initialLeader;
  private volatile String leader;
  private volatile boolean running = true;

  /** @param replicas the pods the cluster has throughout (a missing one counts as not Ready) */
  PodRestartRecorder(CowsqlClusterApi api, String name, int replicas) {
    this.client = api.client();
    this.api = api;
    this.name = name;
    this.replicas = replicas;
    for (Pod p : pods()) {
      initialUids.put(p.getMetadata().getName(), p.getMetadata().getUid());
      seenUids.put(p.getMetadata().getUid(), p.getMetadata().getName());
    }
    initialLeader = api.status(name).leader;
    leader = initialLeader;
    thread = new Thread(this::sample, "pod-restart-recorder-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(api.namespace()).withLabel("app.kubernetes.io/instance", name).list().getItems();
  }

  private static boolean ready(Pod p) {
    return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
        && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void sample() {
    while (running) {
      try {
        List<Pod> pods = pods();
        String l = api.status(name).leader;
        if (l != null) {
          leader = l;
        }
        List<String> notReady = new ArrayList<>();
        for (Pod p : pods) {
          String uid = p.getMetadata().getUid();
          if (!seenUids.containsKey(uid)) {
            seenUids.put(uid, p.getMetadata().getName());
            restarts.add(new Restart(p.getMetadata().getName(), uid, System.currentTimeMillis() - t0, leader));
          }
          if (!ready(p)) {
            notReady.add(p.getMetadata().getName());
          }
        }
        for (int i = 0; i < replicas; i++) {
          String pod = name + "-" + i;
          if (pods.stream().noneMatch(p -> pod.equals(p.getMetadata().getName()))) {
            notReady.add(pod + " (missing)");
          }
        }
        if (notReady.size() > 1) {
          overlaps.add((System.currentTimeMillis() - t0) + " ms: " + notReady);
        }
        maxNotReady = Math.max(maxNotReady, notReady.size());
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the API answered nothing this time; the next sample counts
      }
    }
  }

  /** The pods' UIDs when recording started. */
  Map<String, String> initialUids() {
    return initialUids;
  }

  /** The leader the status named when recording started. */
  String initialLeader() {
    return initialLeader;
  }

  List<Restart> restarts() {
    return List.copyOf(restarts);
  }

  /** The pods restarted, in order (a pod restarted twice appears twice). */
  List<String> restartOrder() {
    return restarts.stream().map(Restart::pod).toList();
  }

  int maxNotReady() {
    return maxNotReady;
  }

  /** The samples with more than one pod not Ready, for a message. */
  List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5000);
  }
}
