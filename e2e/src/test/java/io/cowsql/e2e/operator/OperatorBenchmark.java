package io.cowsql.e2e.operator;

import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The operator's benchmark (not a test): N CowsqlClusters applied at once to the testbed, their pods running an inert
 * command ({@code sleep}) instead of the node agent; prints the time until every StatefulSet, both Services, the
 * PodDisruptionBudget and a status exist for each, and the operator pod's resident memory after.
 *
 * <pre>
 * mvn -pl operator -am package -DskipTests
 * java -cp "<e2e test classpath>" io.cowsql.e2e.operator.OperatorBenchmark 100 1
 * </pre>
 * Arguments: number of clusters (default 100), replicas each (default 1).
 */
public final class OperatorBenchmark {
  private OperatorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int replicas = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    ImageTable images = ImageTable.defaults();
    images.put("bench/inert", ImageTable.ImageCommand.of("sleep", "infinity"));
    images.put("ghcr.io/cowsql/cowsql-operator", ImageTable.ImageCommand.of(ImageTable.javaExecutable(), "-jar",
        OperatorSystemTest.OPERATOR_JAR.toString()));
    Path work = Path.of(System.getProperty("cowsql.e2e.workDir", "e2e/target/testbed")).resolve("operator-bench");
    Path scripts = Path.of(System.getProperty("cowsql.e2e.scriptsDir", "e2e/scripts"));
    try (Testbed tb = Testbed.start(Testbed.Options.defaults(work, scripts).withImages(images))) {
      KubernetesClient c = tb.client();
      for (Path f : new Path[] {OperatorSystemTest.REPO.resolve("crds/cowsqlclusters.cowsql.io-v1.yml"),
          OperatorSystemTest.REPO.resolve("deploy/operator.yaml")}) {
        try (InputStream in = Files.newInputStream(f)) {
          for (HasMetadata item : c.load(in).items()) {
            c.resource(item).serverSideApply();
          }
        }
      }
      c.apps().deployments().inNamespace("cowsql-system").withName("cowsql-operator")
          .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null
              && d.getStatus().getReadyReplicas() == 1, 180, TimeUnit.SECONDS);
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
      var api = c.resources(CowsqlCluster.class).inNamespace("bench");
      long t0 = System.nanoTime();
      for (int i = 0; i < clusters; i++) {
        CowsqlCluster r = new CowsqlCluster();
        r.setMetadata(new ObjectMetaBuilder().withName(String.format("b%03d", i)).build());
        r.setSpec(new CowsqlClusterSpec());
        r.getSpec().replicas = replicas;
        r.getSpec().image = "bench/inert:1";
        // 1 or 2 replicas keep the default role targets (such a cluster has one voter); from 3 on every node votes
        if (replicas >= 3) {
          r.getSpec().roles.voters = replicas % 2 == 1 ? replicas : replicas - 1;
          r.getSpec().roles.standbys = 0;
        }
        api.resource(r).create();
      }
      while (true) {
        int sts = c.apps().statefulSets().inNamespace("bench").list().getItems().size();
        int svc = c.services().inNamespace("bench").list().getItems().size();
        int pdb = c.policy().v1beta1().podDisruptionBudget().inNamespace("bench").list().getItems().size();
        int status = (int) api.list().getItems().stream()
            .filter(x -> x.getStatus() != null && x.getStatus().phase != null).count();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("t=%.1fs statefulsets=%d services=%d pdbs=%d statuses=%d%n", s, sts, svc, pdb, status);
        if (sts >= clusters && svc >= 2 * clusters && pdb >= clusters && status >= clusters) {
          System.out.printf("all %d clusters in place after %.1f s%n", clusters, s);
          break;
        }
        if (s > 600) {
          throw new IllegalStateException("not in place after 600 s");
        }
        Thread.sleep(500);
      }
      Thread.sleep(30_000);
      String operatorPod = c.pods().inNamespace("cowsql-system").withLabel("app.kubernetes.io/name", "cowsql-operator")
          .list().getItems().get(0).getMetadata().getName();
      String rss = tb.kubelet().pids("cowsql-system", operatorPod).values().stream()
          .map(pid -> {
            try {
              return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                  .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?");
            } catch (java.io.IOException e) {
              return "VmRSS: ?";
            }
          }).collect(Collectors.joining(", "));
      System.out.println("operator resident memory 30 s later: " + rss);
    }
  }
}
