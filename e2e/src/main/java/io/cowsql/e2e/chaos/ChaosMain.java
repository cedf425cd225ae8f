package io.cowsql.e2e.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/cowsql-chaos}: runs scenarios against three real node agents on loopback (or, for the
 * testbed scenarios, a CowsqlCluster of the operator on one testbed shared by those runs) and prints the
 * table. Exit 0 when every run was checked and passed, 1 on any violation or unchecked run, 2 on a
 * bad flag.
 */
@Command(name = "cowsql-chaos", mixinStandardHelpOptions = true,
    description = "Randomized fault runs (kill, pause, network partitions) against three cowsql node agents on "
        + "loopback, or (the testbed scenarios) a cluster of the operator on the testbed (Node NotReady, Node deleted, "
        + "operator killed, pods cut from the API server, the leader pod cut from its peers), with a set, a list-append "
        + "and a key/value workload; the checkers read each run's history.")
public final class ChaosMain implements Callable<Integer> {
    @Option(names = "--scenario", split = ",", paramLabel = "NAME",
        description = "scenario(s) to run, comma-separated, or 'all', 'local', 'testbed' (see the list below)")
    List<String> scenarios;

    @Option(names = "--runs", defaultValue = "1", paramLabel = "N", description = "runs per scenario (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the first run; run i uses S+i (default: random, printed)")
    Long seed;

    @Option(names = "--minutes", paramLabel = "M",
        description = "start no new run after M minutes in total (default: no limit); scenarios take turns, run by run")
    Double minutes;

    @Option(names = "--faults", defaultValue = "2", paramLabel = "K", description = "faults per run (default ${DEFAULT-VALUE})")
    int faults;

    @Option(names = "--clients", defaultValue = "2", paramLabel = "C",
        description = "clients per workload, alternating between the two client endpoints (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--dir", defaultValue = "target/chaos", paramLabel = "DIR",
        description = "where runs write history.jsonl and verdict.json (default ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--results", paramLabel = "FILE",
        description = "the results file, one JSON line per run, appended as runs end (default DIR/results.jsonl); runs it "
            + "already holds (same scenario, seed and engine) are not run again and count in the table: sessions add up")
    Path results;

    @Option(names = "--report", description = "run nothing: print the table of the results file (every engine in it)")
    boolean report;

    @Option(names = "--keep", description = "keep passing runs' histories and cluster logs too")
    boolean keep;

    @Option(names = "--node-classpath", paramLabel = "CP",
        description = "classpath holding io.cowsql.node.NodeAgent (default: -Dcowsql.e2e.nodeClasspath, else this JVM's)")
    String nodeClasspath;

    @Option(names = "--repo", paramLabel = "DIR",
        description = "the checkout, for the testbed scenarios: its crds/, deploy/operator.yaml, e2e/scripts and the built "
            + "operator/target/quarkus-app (default: found upwards from the working directory or this build)")
    Path repo;

    @Override
    public Integer call() {
        Path resultsFile = results != null ? results : dir.resolve("results.jsonl");
        List<ChaosRun.Result> earlier = RunResults.read(resultsFile);
        if (report) {
            RunTable all = new RunTable();
            earlier.forEach(all::add);
            System.out.println("cowsql-chaos: " + earlier.size() + " runs in " + resultsFile);
            System.out.print(all.render());
            return all.allPassed() ? 0 : 1;
        }
        if (scenarios == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--scenario is required (or --report)");
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String s : scenarios) {
            if (s.equals("all")) {
                chosen.addAll(List.of(Scenario.values()));
            } else if (s.equals("local") || s.equals("testbed")) {
                boolean testbed = s.equals("testbed");
                chosen.addAll(java.util.Arrays.stream(Scenario.values()).filter(x -> x.onTestbed() == testbed).toList());
            } else {
                try {
                    chosen.add(Scenario.byId(s));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--scenario: " + e.getMessage());
                }
            }
        }
        if (runs < 1 || faults < 1 || clients < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--runs, --faults and --clients must be at least 1 (got " + runs + ", " + faults + ", " + clients + ")");
        }
        long first = seed != null ? seed : System.nanoTime() & 0xFFFFFFFFL;
        String cp = nodeClasspath != null ? nodeClasspath
            : System.getProperty("cowsql.e2e.nodeClasspath", System.getProperty("java.class.path"));
        System.out.println("cowsql-chaos: seed " + first + " (replay a run with --seed <its seed> --runs 1)");
        long deadline = minutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (minutes * 60e9);
        String engine = ChaosRun.engine();
        RunTable table = new RunTable();
        java.util.Set<String> done = new java.util.HashSet<>();
        for (ChaosRun.Result r : earlier) {
            if (r.engine().equals(engine) && chosen.stream().anyMatch(s -> s.id().equals(r.scenario()))) {
                table.add(r);
                done.add(RunResults.key(r.scenario(), r.seed(), r.engine()));
            }
        }
        if (!done.isEmpty()) {
            System.out.println("cowsql-chaos: " + done.size() + " runs of these scenarios on " + engine + " already in "
                + resultsFile + ": they count, their seeds are not run again");
        }
        // One testbed with the operator for every testbed run (each run a namespace of its own), started once needed.
        OperatorTestbed testbed = null;
        try {
            // Round robin over the scenarios: a run cut short by --minutes still has every scenario in its table.
            outer:
            for (int i = 0; i < runs; i++) {
                for (Scenario s : chosen) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("cowsql-chaos: --minutes reached, no more runs started");
                        break outer;
                    }
                    long runSeed = first + i;
                    if (done.contains(RunResults.key(s.id(), runSeed, engine))) {
                        continue;
                    }
                    if (s.onTestbed() && testbed == null) {
                        Path checkout = repo != null ? repo.toAbsolutePath() : OperatorTestbed.repository();
                        System.out.println("cowsql-chaos: starting the testbed with the operator of " + checkout);
                        testbed = OperatorTestbed.start(dir.toAbsolutePath().resolve("testbed"), checkout);
                    }
                    ChaosRun.Result r = ChaosRun.run(ChaosRun.Config.defaults(s, runSeed,
                        dir.resolve(s.id() + "-" + runSeed), cp).withFaults(faults).withClients(clients).withKeep(keep)
                        .withTestbed(s.onTestbed() ? testbed : null));
                    table.add(r);
                    RunResults.append(resultsFile, r);
                    if (!r.passed()) {
                        System.out.println("cowsql-chaos: " + s.id() + " seed " + runSeed + " FAILED, kept in " + r.dir()
                            + (r.error() != null ? ": " + r.error() : "") + (r.verdict() != null ? " " + r.verdict().violations() : ""));
                    }
                }
            }
        } finally {
            if (testbed != null) {
                testbed.close();
            }
        }
        System.out.print(table.render());
        return table.allPassed() ? 0 : 1;
    }

    static String scenarioList() {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : Scenario.values()) {
            sb.append(String.format("  %-17s %s%n", s.id(), s.description()));
        }
        sb.append("  all               every scenario above\n");
        sb.append("  local             the scenarios on three agents started by the harness (no testbed)\n");
        sb.append("  testbed           the scenarios on the testbed with the operator (needs its jar built)");
        return sb.toString();
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new ChaosMain());
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
            help -> "%nScenarios:%n".formatted() + scenarioList() + System.lineSeparator());
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
