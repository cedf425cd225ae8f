package io.cowsql.e2e.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.e2e.testbed.Testbed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quorum-recovery tests' and benchmark's faults and reads on the testbed: members lost for good (frozen, then
 * their volumes wiped, their claims deleted and their pods force-deleted, as machines whose disks are gone), and the
 * node agents' own reports ({@code /status}, {@code /datadir}) read over their pod IPs.
 */
final class MajorityLoss {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MajorityLoss() {}

  /** Freezes the members' processes (SIGSTOP): they stop answering, their volumes are intact. */
  static void freeze(Testbed tb, String namespace, List<String> pods) {
    pods.forEach(p -> tb.kubelet().pause(namespace, p));
  }

  /** Wipes the frozen members' volumes, deletes their claims and force-deletes their pods: gone for good. */
  static void destroy(Testbed tb, String namespace, List<String> pods) {
    for (String p : pods) {
      tb.kubelet().wipeVolume(namespace, "data-" + p);
      tb.client().persistentVolumeClaims().inNamespace(namespace).withName("data-" + p).delete();
      tb.client().pods().inNamespace(namespace).withName(p).withGracePeriod(0).delete();
    }
  }

  /**
   * Waits until the agents of these pods report the same last log entry (term, index) in /status: then every
   * acknowledged write (on a majority) is on each of them.
   */
  static void awaitSameLastEntry(Testbed tb, String namespace, List<String> pods, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> last = Map.of();
    while (System.nanoTime() < deadline) {
      Map<String, String> entries = new TreeMap<>();
      for (String p : pods) {
        JsonNode le = agent(tb, namespace, p, "/status").path("lastEntry");
        entries.put(p, le.path("term").asText() + "/" + le.path("index").asText());
      }
      last = entries;
      if (Set.copyOf(entries.values()).size() == 1) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the members' last entries never agreed: " + last);
  }

  /** GET {@code path} of the pod's agent, as JSON (asserting a 200 answer). */
  static JsonNode agent(Testbed tb, String namespace, String pod, String path) throws Exception {
    String ip = tb.client().pods().inNamespace(namespace).withName(pod).get().getStatus().getPodIP();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080" + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(pod + " " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
