package io.cowsql.node.agent;

import io.cowsql.client.ResolverFile;

import io.cowsql.client.AddressResolver;
import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.HostPort;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.contract.Annotations;
import io.cowsql.node.DataDirLock;
import io.cowsql.node.Node;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import io.cowsql.node.engine.Capability;
import io.cowsql.node.engine.Engine;
import io.cowsql.node.engine.EngineException;
import io.cowsql.node.engine.SocketDialer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** The running node agent: one engine node, its HTTP API, its join loop and role manager. */
public final class Agent implements HttpApi.Backend {
  private static final Logger LOG = Logger.getLogger(Agent.class.getName());

  public static final int EXIT_CONFIG = 2;
  public static final int EXIT_REFUSED = 3;
  public static final int EXIT_ENGINE = 4;
  public static final int EXIT_PORT = 5;

  private final AgentConfig cfg;
  private final long startNanos = System.nanoTime();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private AddressResolver resolver = AddressResolver.identity();
  private ClientOptions clientOptions;
  private HttpApi http;
  private DataDirLock lock;
  private volatile Identity identity;
  private Engine engine;
  private volatile Node node;
  private long failureDomain;
  /** The failure domain as the annotation file named it, or null. */
  private String failureDomainName;
  private LastEntry lastEntryAtStart;
  private volatile LiveLogPosition liveLog;
  private volatile RoleManager roles;
  /** The role rounds, scheduled once the node has joined. */
  private volatile ScheduledFuture<?> rounds;
  private KeyValueStore kv;
  private ScheduledExecutorService scheduler;
  private volatile boolean stopping;
  private volatile Membership membership;
  private NodeInfo loggedLeader;
  private long loggedLeaderId;
  /** The cluster's epoch as the pod's annotations gave it at start (0 without them). */
  private long clusterEpoch;
  /** The data dirs this start moved aside (the epoch fence, a removed member's volume). */
  private final List<DataDirSetAside> setAside = new CopyOnWriteArrayList<>();
  /**
   * Why this node's membership could not be confirmed before its engine started on a joined dir (no leader with a
   * quorum answered), null once a leader listed it (or when there was nothing to confirm). Re-asked every round.
   */
  private volatile String membershipUnconfirmed;

  /** The plan id the engine was stopped for ({@code POST /datadir/stop}), null while it runs. */
  private volatile String stopPlan;
  /** The stopped dir as read once after the stop (it cannot change any more), null before or when the read failed. */
  private volatile DataDirReader.Inspection stoppedDir;
  private volatile String stoppedDirProblem;

  /** How long after a first "removed" answer the second, confirming, one is asked. */
  static final Duration REMOVED_CONFIRM_AFTER = Duration.ofSeconds(2);

  public Agent(AgentConfig cfg) {
    this.cfg = cfg;
  }

  /** Start everything; throws Refusal with the exit code on a refusal or a setup failure. */
  public void start() throws Refusal, InterruptedException {
    // 1. Everything that can fail without touching the data dir.
    if (cfg.resolverFile != null) {
      try {
        resolver = ResolverFile.load(cfg.resolverFile);
      } catch (IOException e) {
        throw new Refusal(EXIT_CONFIG, "cannot read --resolver-file: " + e.getMessage());
      }
    }
    AddressResolver r = resolver;
    clientOptions = ClientOptions.defaults()
        .withConnectTimeout(Duration.ofSeconds(2))
        .withRequestTimeout(Duration.ofSeconds(5))
        .withRetryTimeout(Duration.ofSeconds(10))
        .withResolver(r);
    checkBindable(cfg.bind, "--bind (the engine's listen address)");
    try {
      HostPort h = HostPort.parse(cfg.http);
      http = HttpApi.start(new InetSocketAddress(h.host(), h.port()), this);
    } catch (BindException e) {
      throw new Refusal(EXIT_PORT, "cannot listen on --http " + cfg.http + ": " + e.getMessage() + " (port in use?)");
    } catch (IOException e) {
      throw new Refusal(EXIT_PORT, "cannot listen on --http " + cfg.http + ": " + e.getMessage());
    }
    try {
      System.setProperty("cowsql.sqlite.threading", cfg.sqliteThreading);
      engine = Engine.get();
    } catch (EngineException | UnsatisfiedLinkError e) {
      throw new Refusal(EXIT_ENGINE, e.getMessage());
    }

    // 2. The data dir: create, lock, identity.
    Path dir = cfg.dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, "cannot create data dir " + dir + ": " + e + " (check the path and its permissions)");
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new Refusal(EXIT_REFUSED, "data dir " + dir + " is not a writable directory (check its owner and permissions)");
    }
    try {
      lock = DataDirLock.acquire(dir);
    } catch (DataDirLock.HeldException e) {
      throw new Refusal(EXIT_REFUSED, e.getMessage());
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, "cannot lock data dir " + dir + ": " + e.getMessage());
    }
    // The failure domain (may wait for a file): first, since the operator's bootstrap grant
    // arrives in the same file, no later than the domain.
    if (cfg.failureDomainFile != null) {
      try {
        failureDomainName = FailureDomain.awaitValue(cfg.failureDomainFile, cfg.failureDomainKey, cfg.failureDomainWait);
        failureDomain = FailureDomain.code(failureDomainName);
      } catch (AgentConfig.BadConfig e) {
        throw new Refusal(EXIT_CONFIG, e.getMessage());
      }
    } else if (cfg.failureDomain != null) {
      failureDomain = cfg.failureDomain;
    }
    OptionalLong template = OptionalLong.empty();
    if (cfg.failureDomainFile != null) {
      // The same file as the failure domain, which was waited for: the operator writes the epoch in the same patch.
      try {
        String content = Files.readString(cfg.failureDomainFile, StandardCharsets.UTF_8);
        clusterEpoch = Annotations.epoch(FailureDomain.annotation(content, Annotations.EPOCH));
        template = Annotations.epochTemplate(FailureDomain.annotation(content, Annotations.EPOCH_TEMPLATE));
      } catch (IOException e) {
        throw new Refusal(EXIT_CONFIG, "cannot read " + cfg.failureDomainFile + " for " + Annotations.EPOCH + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new Refusal(EXIT_CONFIG, e.getMessage() + " (in " + cfg.failureDomainFile + ")");
      }
    }
    boolean hasRaft = hasRaft(dir);
    try {
      identity = Identity.read(dir);
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, e.getMessage() + ": restore the file, or move the dir away to join as a new node");
    }
    if (identity == null && hasRaft) {
      throw new Refusal(EXIT_REFUSED, "data dir " + dir + " holds raft data but no " + Identity.FILE
          + ": it was not created by this agent; move it away to start a new node here");
    }
    if (identity != null) {
      if (!identity.address().equals(cfg.address)) {
        throw new Refusal(EXIT_REFUSED, "data dir " + dir + " belongs to node " + Identity.hex(identity.id()) + " with address "
            + identity.address() + ", but --address is " + cfg.address
            + ": start it with its old address, or move the dir away to join as a new node");
      }
      if (cfg.clusterId != null && identity.clusterId() != null && !cfg.clusterId.equals(identity.clusterId())) {
        throw new Refusal(EXIT_REFUSED, "data dir " + dir + " belongs to cluster '" + identity.clusterId() + "', but this node is started for cluster '"
            + cfg.clusterId + "' (--cluster-id): point --dir at cluster '" + cfg.clusterId + "''s volume, start the node with --cluster-id '"
            + identity.clusterId() + "' if this data is meant to be adopted, or move the dir away to join as a new node");
      }
      if (!hasRaft && identity.joined() && identity.id() != Node.BOOTSTRAP_ID) {
        LOG.info("identity says joined but the dir holds no raft data: the node will wait to be re-added");
      }
    }
    // The data dir's own rules, before the engine ever opens it: the epoch fence, then "is it still a member?".
    if (identity != null) {
      EpochFence.Decision fence = EpochFence.decide(identity, clusterEpoch, template);
      if (fence instanceof EpochFence.Refuse refuse) {
        throw new Refusal(EXIT_REFUSED, refuse.why());
      } else if (fence instanceof EpochFence.SetAside aside) {
        setAside(dir, "epoch" + identity.epoch(), aside.why());
      } else if (fence instanceof EpochFence.Start start && start.epoch() != identity.epoch()) {
        LOG.info("data dir of node " + Identity.hex(identity.id()) + " is the recovery's template: it starts at epoch "
            + start.epoch() + " (it recorded " + identity.epoch() + ")");
        identity = identity.withEpoch(start.epoch());
      }
    }
    if (identity != null && identity.joined() && hasRaft) {
      MembershipCheck.Verdict v = MembershipCheck.askConfirmed(identity.id(), cfg.address, membershipAddresses(dir), clientOptions,
          REMOVED_CONFIRM_AFTER);
      if (v instanceof MembershipCheck.Removed removed) {
        setAside(dir, "removed-" + Identity.hex(identity.id()), removed.why() + ": its data is set aside and the node joins as new");
      } else if (v instanceof MembershipCheck.Unknown unknown) {
        membershipUnconfirmed = unknown.why();
        LOG.info("membership of node " + Identity.hex(identity.id()) + " not confirmed before start: " + unknown.why()
            + "; starting on the dir as it is (a full-cluster restart needs this node's engine) and asking again every "
            + cfg.rolesInterval.toMillis() + " ms");
      }
    }
    hasRaft = hasRaft(dir);
    boolean bootstrap = false;
    if (identity == null) {
      // A node whose old data was just set aside belongs to a cluster that exists: it joins, never bootstraps.
      bootstrap = setAside.isEmpty() && (cfg.bootstrap || bootstrapGranted()) && !existingClusterAnswers();
      long id = bootstrap ? Node.BOOTSTRAP_ID : Node.generateId(engine, cfg.address);
      identity = new Identity(id, cfg.address, cfg.clusterId, bootstrap, clusterEpoch);
    }
    if (hasRaft) {
      try {
        lastEntryAtStart = DataDirReader.lastEntry(dir);
      } catch (IOException e) {
        LOG.info("could not read the last entry: " + e.getMessage());
      }
    }

    // 3. The engine node.
    try {
      identity.write(dir);
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, "cannot write " + dir.resolve(Identity.FILE) + ": " + e.getMessage());
    }
    NodeOptions opts = nodeOptions();
    try {
      node = Node.create(engine, identity.id(), cfg.address, dir, opts);
      node.start();
      liveLog = new LiveLogPosition(dir, lastEntryAtStart);
    } catch (EngineException | IllegalArgumentException | IllegalStateException e) {
      if (node != null) {
        node.close();
      }
      throw new Refusal(e instanceof EngineException ? EXIT_ENGINE : EXIT_CONFIG, "cannot start the node: " + e.getMessage());
    }
    LOG.info("node " + Identity.hex(identity.id()) + " up: address " + cfg.address + " bind " + cfg.bind + " http " + cfg.http
        + " failure domain " + failureDomain + (bootstrap ? " (bootstrapped a new cluster)" : "") + " engine " + engine.describe());

    roles = new RoleManager(identity.id(), cfg.address,
        new LiveRoleTargets(cfg.failureDomainFile, cfg.voters, cfg.standbys), !cfg.engineRoleManagement, clientOptions);
    kv = new KeyValueStore(cfg.database, clientOptions, this::knownAddresses);
    scheduler = Executors.newSingleThreadScheduledExecutor(run -> {
      Thread t = new Thread(run, "agent");
      t.setDaemon(true);
      return t;
    });
    scheduler.execute(this::joinAndManage);
  }

  /** The engine node's options (the agent's lock on the data dir as it is now). */
  private NodeOptions nodeOptions() {
    AddressResolver r = resolver;
    NodeOptions opts = NodeOptions.defaults()
        .withBindAddress(cfg.bind)
        .withFailureDomain(failureDomain)
        .withLock(lock)
        .withDialFunc(new SocketDialer(a -> HostPort.parse(r.resolve(a)).unresolved(), Duration.ofSeconds(2)));
    if (cfg.networkLatency != null) {
      opts = opts.withNetworkLatency(cfg.networkLatency);
    }
    if (cfg.snapshotThreshold != null) {
      opts = opts.withSnapshotParams(cfg.snapshotThreshold, cfg.snapshotTrailing);
    }
    if (cfg.autoRecovery != null) {
      opts = opts.withAutoRecovery(cfg.autoRecovery);
    }
    if (cfg.blockSize != null) {
      opts = opts.withBlockSize(cfg.blockSize);
    }
    if (cfg.engineRoleManagement) {
      opts = opts.withEngineRoleManagement(cfg.voters, cfg.standbys);
    }
    return opts;
  }

  private static boolean hasRaft(Path dir) {
    return Files.exists(dir.resolve("metadata1")) || Files.exists(dir.resolve("metadata2"));
  }

  /** Where to ask whether this node is still a member: --join, then the members of the dir's last configuration. */
  private List<String> membershipAddresses(Path dir) {
    LinkedHashSet<String> s = new LinkedHashSet<>(cfg.join);
    try {
      for (io.cowsql.node.Member m : DataDirReader.inspect(dir).configuration()) {
        s.add(m.address());
      }
    } catch (IOException | RuntimeException e) {
      LOG.info("could not read the dir's last configuration (asking --join only): " + e.getMessage());
    }
    return new ArrayList<>(s);
  }

  /**
   * Moves the data dir aside ({@link DataDirSetAside}), locks the new empty dir, and forgets the identity: the node
   * starts as a new one. One log line.
   */
  private void setAside(Path dir, String label, String why) throws Refusal {
    Instant now = Instant.now();
    Path to;
    try {
      to = DataDirSetAside.move(dir, label, now);
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, why + "; but moving the dir aside failed (" + e + "): move " + dir + " away by hand");
    }
    try {
      lock.close();
      lock = DataDirLock.acquire(dir);
    } catch (IOException e) {
      throw new Refusal(EXIT_REFUSED, "data dir " + dir + " was set aside to " + to + " (" + why + "), but locking the new dir failed: "
          + e.getMessage());
    }
    LOG.warning("data dir set aside: " + dir + " moved to " + to + ": " + why);
    setAside.add(new DataDirSetAside(dir, to, why, now));
    identity = null;
  }

  private void checkBindable(String address, String what) throws Refusal {
    HostPort a = HostPort.parse(address);
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(a.host(), a.port()));
    } catch (IOException e) {
      throw new Refusal(EXIT_PORT, "cannot listen on " + what + " " + address + ": " + e.getMessage() + " (port in use, or not an address of this host?)");
    }
  }

  /** Before bootstrapping: does a cluster already answer at the join addresses? Then join it. */
  /** Whether the failure-domain file carries {@code --bootstrap-key="true"} (the operator's grant). */
  private boolean bootstrapGranted() {
    if (cfg.bootstrapKey == null) {
      return false;
    }
    try {
      String v = FailureDomain.annotation(Files.readString(cfg.failureDomainFile, StandardCharsets.UTF_8), cfg.bootstrapKey);
      if ("true".equalsIgnoreCase(v)) {
        LOG.info("bootstrap granted by " + cfg.bootstrapKey + " in " + cfg.failureDomainFile);
        return true;
      }
    } catch (IOException e) {
      LOG.info("cannot read " + cfg.failureDomainFile + " for " + cfg.bootstrapKey + ": " + e.getMessage());
    }
    return false;
  }

  private boolean existingClusterAnswers() {
    for (String a : cfg.join) {
      if (a.equals(cfg.address)) {
        continue;
      }
      try (CowsqlClient c = CowsqlClient.connect(a, clientOptions.withConnectTimeout(Duration.ofMillis(500)).withRequestTimeout(Duration.ofSeconds(1)))) {
        if (!c.cluster().isEmpty()) {
          LOG.info("--bootstrap given, but a cluster answers at " + a + ": joining it instead");
          return true;
        }
      } catch (CowsqlException | RuntimeException e) {
        // nobody there
      }
    }
    return false;
  }

  /** Addresses to find the leader through: the configuration as last seen, own, join. */
  List<String> knownAddresses() {
    LinkedHashSet<String> s = new LinkedHashSet<>();
    ClusterView v = roles == null ? ClusterView.EMPTY : roles.view();
    for (NodeInfo m : v.members()) {
      if (m.role() == Role.VOTER) {
        s.add(m.address());
      }
    }
    s.add(cfg.address);
    s.addAll(cfg.join);
    for (NodeInfo m : v.members()) {
      s.add(m.address());
    }
    return new ArrayList<>(s);
  }

  private void joinAndManage() {
    long backoff = 100;
    while (!stopping && stopPlan == null && !identity.joined()) {
      try {
        join();
        identity = identity.withJoined(true);
        identity.write(cfg.dir);
      } catch (CowsqlException | IOException | RuntimeException e) {
        LOG.info("join via " + cfg.join + " not done yet: " + e.getMessage() + " (retrying in " + backoff + " ms)");
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    if (stopping || stopPlan != null) {
      return;
    }
    // Retried until set: a node that had its former self removed answers with the joining weight
    // until then, and the role policy never promotes a member answering with it.
    backoff = 100;
    while (!stopping && stopPlan == null) {
      try (CowsqlClient c = CowsqlClient.connect(cfg.address, clientOptions)) {
        c.weight(cfg.weight);
        break;
      } catch (CowsqlException | RuntimeException e) {
        LOG.info("setting weight " + cfg.weight + " failed: " + e.getMessage() + " (retrying in " + backoff + " ms)");
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    rounds = scheduler.scheduleWithFixedDelay(() -> {
      if (!stopping && stopPlan == null) {
        roles.runOnce();
        refreshMembership();
        if (membershipUnconfirmed != null) {
          confirmMembership();
        }
      }
    }, 0, cfg.rolesInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void join() throws CowsqlException {
    if (cfg.join.isEmpty()) {
      throw new CowsqlException("no --join addresses and not bootstrapped: nothing to join", CowsqlException.CLIENT_NO_LEADER);
    }
    try (CowsqlClient leader = CowsqlClient.findLeader(cfg.join, clientOptions)) {
      List<NodeInfo> members = leader.cluster();
      for (NodeInfo m : members) {
        if (m.id() == identity.id()) {
          LOG.info("already a member (" + RolePolicy.name(m.role()) + ")");
          return;
        }
        if (m.address().equals(cfg.address)) {
          // join() runs only for an identity that never joined, so the member holding this stable
          // address (a StatefulSet pod's DNS name) is this node's former self whose data dir was
          // emptied: it can never come back and only blocks the address. A voter is first demoted
          // through the leader, and only when a majority of the other voters answers: the joining
          // node cannot otherwise tell whether the leader it reached still has a quorum behind it,
          // and a configuration change on a minority's word is what must never happen. Left
          // alone, the leader's role policy could not see the former self offline (the new node
          // answers at its address), so first this node answers DESCRIBE with the joining weight:
          // from then on the leader's role policy counts the former self offline and never
          // promotes it back, however long it lingers between the demotion and the removal (a
          // removal that fails for want of a quorum is retried by the next join attempt).
          markJoining();
          String role = RolePolicy.name(m.role());
          if (m.role() == Role.VOTER) {
            demoteFormerSelf(leader, m, members);
            role = "spare, demoted from voter";
          }
          pauseAfterDemoteForTests();
          LOG.info("removing stale member " + Identity.hex(m.id()) + " (" + role + ") that held "
              + cfg.address + " before this node's data dir was emptied");
          leader.remove(m.id());
        }
      }
      leader.add(identity.id(), cfg.address);
      LOG.info("joined the cluster through leader " + leader.address() + " as spare");
    }
  }

  /** Sets this node's weight to {@link RolePolicy#JOINING_WEIGHT} (the configured one once joined). */
  private void markJoining() throws CowsqlException {
    try (CowsqlClient self = CowsqlClient.connect(cfg.address, clientOptions)) {
      self.weight(RolePolicy.JOINING_WEIGHT);
    }
  }

  /**
   * Demotes {@code former} (a voter at this node's address) to spare through {@code leader}, if the
   * leader and the other voters that answer DESCRIBE are a majority of all voters; else throws, and
   * the join is retried later.
   */
  private void demoteFormerSelf(CowsqlClient leader, NodeInfo former, List<NodeInfo> members) throws CowsqlException {
    long voters = members.stream().filter(m -> m.role() == Role.VOTER).count();
    int online = MembershipCheck.votersAnswering(leader.address(), members, former.id(), cfg.address, clientOptions);
    if (online * 2 <= voters) {
      throw new CowsqlException("the address " + cfg.address + " is still held by voter " + Identity.hex(former.id())
          + " (this node's former self, whose data dir was emptied), and only " + online + " of " + voters
          + " voters answer: waiting for a quorum before asking the leader to demote it", CowsqlException.CLIENT_NO_LEADER);
    }
    LOG.info("demoting stale voter " + Identity.hex(former.id()) + " (this node's former self at " + cfg.address + ") to spare through leader "
        + leader.address() + ": " + online + " of " + voters + " voters answer");
    leader.assign(former.id(), Role.SPARE);
  }

  /**
   * Test-only fault point: -Dcowsql.test.pauseAfterDemoteMillis=N holds the join for N ms between
   * the demotion of the former self (by this join or by the leader's policy, which counts it offline
   * once this node answers with the joining weight) and its removal: several role-policy rounds run
   * in that window, which is otherwise a few milliseconds wide. Not an agent option: no contract,
   * never set in production; 0 or unset means no pause.
   */
  private static void pauseAfterDemoteForTests() {
    long ms = Long.getLong("cowsql.test.pauseAfterDemoteMillis", 0L);
    if (ms > 0) {
      LOG.info("test fault point: pausing " + ms + " ms between the demotion of the former self and its removal");
      sleep(ms);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Block until {@link #shutdown} finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Handover (native or through the client), then stop the node; bounded by --shutdown-timeout. */
  public synchronized void shutdown() {
    if (stopping) {
      return;
    }
    stopping = true;
    LOG.info("shutting down: handover, then stop");
    long t0 = System.nanoTime();
    try {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      Node n = node;
      if (n != null && n.isStarted()) {
        try {
          Handover.atShutdown(n, identity.id(), cfg.address, identity.joined(), roles == null ? new RolePolicy(cfg.voters, cfg.standbys) : roles.policy(), clientOptions, cfg.shutdownTimeout.dividedBy(2));
        } catch (CowsqlException | RuntimeException e) {
          LOG.info("handover incomplete: " + e.getMessage());
        }
      }
      if (http != null) {
        http.stop();
      }
      if (kv != null) {
        kv.close();
      }
      if (n != null) {
        n.close();
      }
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException e) {
          LOG.info("releasing the lock: " + e.getMessage());
        }
      }
      LOG.info("stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    } finally {
      stopped.countDown();
    }
  }

  // ---- HttpApi.Backend

  /**
   * Healthy: the engine runs, or it was stopped on purpose for a plan (a liveness probe must not restart the pod then:
   * the restart would start the engine on the dir again).
   */
  @Override
  public boolean healthy() {
    return !stopping && (stopPlan != null || engineRunning());
  }

  private boolean engineRunning() {
    Node n = node;
    return n != null && n.isStarted();
  }

  @Override
  public String notReadyReason() {
    String plan = stopPlan;
    if (plan != null && !stopping) {
      return "engine stopped for plan " + plan + " (POST /datadir/stop): the data dir stays as it is until the node restarts";
    }
    if (!healthy()) {
      return "node not running";
    }
    String unconfirmed = membershipUnconfirmed;
    if (unconfirmed != null) {
      return "membership not confirmed since start: " + unconfirmed + "; the data dir is kept as it is until a leader with a"
          + " quorum answers";
    }
    Identity id = identity;
    if (!id.joined()) {
      return "not joined yet" + setAside.stream().map(a -> " (old data set aside to " + a.to() + ": " + a.why() + ")")
          .reduce("", String::concat);
    }
    Membership m = membership;
    if (m == null) {
      return "joined; membership not checked yet (first check within " + cfg.rolesInterval.toMillis() + " ms)";
    }
    return m.notReadyReason();
  }

  /**
   * What the last membership check found: this node's role as the leader's configuration lists it
   * (any role counts: a spare or standby serves its role), the leader, or why it is not ready.
   */
  record Membership(Role role, NodeInfo leader, String notReadyReason) {}

  /** The entry of node {@code id} in a configuration, or null when it does not list it. */
  private static NodeInfo listed(List<NodeInfo> configuration, long id) {
    for (NodeInfo n : configuration) {
      if (n.id() == id) {
        return n;
      }
    }
    return null;
  }

  /**
   * Readiness means "a member of the configuration, serving its role, and a leader is known". A
   * spare receives no log entries, so its own copy of the configuration may not list it, or still
   * list it after its removal: unless the local view shows this node a voter and knows a leader,
   * ask the leader.
   */
  private void refreshMembership() {
    long self = identity.id();
    ClusterView v = roles.view();
    NodeInfo mine = v.member(self);
    NodeInfo leader = v.leader();
    boolean localView = mine != null && leader != null;
    // The leader's answer decides unless the local view shows this node a voter: a non-voter's own
    // copy of the configuration can be stale (the leader sends a removed standby or spare nothing
    // more, so its view keeps listing it). When the leader cannot be asked, a local view stands.
    if (!localView || mine.role() != Role.VOTER) {
      try (CowsqlClient c = CowsqlClient.findLeader(knownAddresses(), clientOptions.withRetryTimeout(Duration.ofSeconds(1)))) {
        leader = c.leader();
        mine = listed(c.cluster(), self);
      } catch (CowsqlException | RuntimeException e) {
        if (!localView) {
          membership = new Membership(null, null, "no leader known: " + e.getMessage());
          logLeader(null);
          return;
        }
      }
    }
    logLeader(leader);
    if (mine == null) {
      membership = new Membership(null, leader, "not a member of the configuration: leader " + Identity.hex(leader.id()) + " (" + leader.address()
          + ") does not list node " + Identity.hex(self) + "; it was removed, or its data dir was replaced: move the dir away so the node joins as new");
      return;
    }
    membership = new Membership(mine.role(), leader, null);
  }

  /**
   * Asks again whether this node is a member, for a node that started on its joined dir without an answer it could
   * trust. Once the engine runs on the dir the agent no longer moves it: a removed member says so and what to do.
   */
  private void confirmMembership() {
    long self = identity.id();
    MembershipCheck.Verdict v = MembershipCheck.ask(self, cfg.address, knownAddresses(), clientOptions);
    if (v instanceof MembershipCheck.Listed || v instanceof MembershipCheck.Alone) {
      LOG.info("membership of node " + Identity.hex(self) + " confirmed by the leader");
      membershipUnconfirmed = null;
    } else if (v instanceof MembershipCheck.Removed) {
      MembershipCheck.Verdict confirmed;
      try {
        confirmed = MembershipCheck.askConfirmed(self, cfg.address, knownAddresses(), clientOptions, REMOVED_CONFIRM_AFTER);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (confirmed instanceof MembershipCheck.Removed removed) {
        restartAsNew(removed);
      } else if (confirmed instanceof MembershipCheck.Unknown unknown) {
        membershipUnconfirmed = unknown.why();
      } else {
        membershipUnconfirmed = null;
      }
    } else {
      membershipUnconfirmed = ((MembershipCheck.Unknown) v).why();
    }
  }

  /**
   * A node that started on its joined dir without a trusted answer, and then learnt from a leader with a quorum that
   * the cluster removed it: its engine (which no member talks to) is stopped, the dir set aside as at start, and the
   * node starts again as a new one that joins. Runs in the agent's thread, from the role rounds, which it replaces
   * with the join loop.
   */
  private void restartAsNew(MembershipCheck.Removed removed) {
    synchronized (this) {
      if (stopping || stopPlan != null) {
        return;
      }
      long old = identity.id();
      node.close();
      try {
        setAside(cfg.dir, "removed-" + Identity.hex(old), removed.why() + ": its data is set aside and the node joins as new");
        identity = new Identity(Node.generateId(engine, cfg.address), cfg.address, cfg.clusterId, false, clusterEpoch);
        identity.write(cfg.dir);
        Node n = Node.create(engine, identity.id(), cfg.address, cfg.dir, nodeOptions());
        node = n;
        n.start();
      } catch (Refusal | IOException | EngineException | IllegalArgumentException | IllegalStateException e) {
        // The engine is down, so /healthz fails and the pod is restarted: the start path takes it from here.
        membershipUnconfirmed = removed.why() + "; setting the data aside and starting as a new node failed: " + e.getMessage();
        LOG.warning(membershipUnconfirmed);
        return;
      }
      liveLog = new LiveLogPosition(cfg.dir, null);
      roles = new RoleManager(identity.id(), cfg.address,
          new LiveRoleTargets(cfg.failureDomainFile, cfg.voters, cfg.standbys), !cfg.engineRoleManagement, clientOptions);
      membership = null;
      membershipUnconfirmed = null;
      LOG.info("node " + Identity.hex(identity.id()) + " up in the place of removed node " + Identity.hex(old) + ": joining");
    }
    rounds.cancel(false);
    scheduler.execute(this::joinAndManage);
  }

  /** One line per leadership change, as this node sees it (from and to, ids in hex). */
  private void logLeader(NodeInfo now) {
    long nowId = now == null ? 0 : now.id();
    if (nowId == loggedLeaderId) {
      return;
    }
    LOG.info("leader changed: from " + describe(loggedLeader) + " to " + describe(now));
    loggedLeader = now;
    loggedLeaderId = nowId;
  }

  private static String describe(NodeInfo n) {
    return n == null ? "none" : Identity.hex(n.id()) + " (" + n.address() + ")";
  }

  @Override
  public KeyValueStore kv() {
    return kv;
  }

  @Override
  public DataDirReport dataDir() {
    Identity id = identity;
    if (id == null) {
      return null;
    }
    String plan = stopPlan;
    List<String> problems = new ArrayList<>();
    DataDirReader.Inspection read;
    if (plan != null) {
      read = stoppedDir;
      if (read == null) {
        problems.add("the stopped dir could not be read: " + stoppedDirProblem);
      }
    } else if (liveLog != null) {
      read = liveLog.inspection();
      if (read == null) {
        problems.add("the dir could not be read while the engine runs (see the agent's log)");
      }
    } else {
      read = null;
      problems.add("the engine has not opened the dir yet");
    }
    return new DataDirReport(id.id(), id.epoch(), plan != null, plan, read, problems);
  }

  @Override
  public synchronized DataDirReport stopEngine(String plan) {
    if (stopping) {
      throw new IllegalStateException("the agent is shutting down");
    }
    if (stopPlan != null) {
      if (stopPlan.equals(plan)) {
        return dataDir();
      }
      throw new IllegalStateException("the engine was stopped for plan " + stopPlan + ", not " + plan
          + ": restart the node to start it again");
    }
    Node n = node;
    if (n == null || !n.isStarted()) {
      throw new IllegalStateException("the engine is not running");
    }
    // First: the join loop and the role rounds stop touching the node.
    stopPlan = plan;
    ClusterView v = roles.view();
    boolean leads = v.leader() != null && v.leader().id() == identity.id();
    if (leads) {
      try {
        Handover.atShutdown(n, identity.id(), cfg.address, identity.joined(), roles.policy(), clientOptions, cfg.shutdownTimeout.dividedBy(2));
      } catch (CowsqlException | RuntimeException e) {
        LOG.info("handover before the stop for plan " + plan + " incomplete: " + e.getMessage());
      }
    }
    n.close();
    try {
      stoppedDir = DataDirReader.inspect(cfg.dir);
    } catch (IOException | RuntimeException e) {
      stoppedDirProblem = e.getMessage();
    }
    DataDirReader.Inspection read = stoppedDir;
    LOG.info("engine stopped for plan " + plan + (leads ? " (handed over first)" : "") + ": last entry "
        + (read == null ? "unreadable (" + stoppedDirProblem + ")" : read.lastEntry().term() + "/" + read.lastEntry().index())
        + "; the HTTP API stays up");
    return dataDir();
  }

  /**
   * The recovery's one offline reconfiguration, run on the dir whose engine {@link #stopEngine} stopped for the same
   * plan, with the agent's own lock held throughout (so the offline {@code reconfigure} subcommand, which refuses a
   * locked dir, cannot interleave). Exactly once: the dir's last configuration is read first, and when it is the target
   * already nothing is run. Either way {@code /datadir} reports the dir as read after that (until then, the read of
   * the stop or of the previous reconfiguration).
   */
  @Override
  public synchronized HttpApi.Reconfiguration reconfigure(String plan, List<io.cowsql.node.Member> members) {
    if (stopping) {
      throw new IllegalStateException("the agent is shutting down");
    }
    if (stopPlan == null) {
      throw new IllegalStateException("the engine is running: stop it first with POST /datadir/stop?plan=" + plan);
    }
    if (!stopPlan.equals(plan)) {
      throw new IllegalStateException("the engine was stopped for plan " + stopPlan + ", not " + plan
          + ": only that plan may reconfigure this dir");
    }
    long self = identity.id();
    io.cowsql.node.Member own = members.stream().filter(m -> m.id() == self).findFirst().orElse(null);
    if (own == null) {
      throw new IllegalArgumentException("field members does not list this node " + Identity.hex(self)
          + ": the restarted node would not be part of its own configuration");
    }
    if (!own.address().equals(cfg.address)) {
      throw new IllegalArgumentException("field members lists this node " + Identity.hex(self) + " at " + own.address()
          + ", but its address is " + cfg.address + " (--address): the other members would dial the wrong address");
    }
    DataDirReader.Inspection before;
    try {
      before = DataDirReader.inspect(cfg.dir);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the stopped dir's last configuration could not be read, so nothing was run: " + e.getMessage());
    }
    if (TargetConfiguration.same(before.configuration(), members)) {
      stoppedDir = before;
      stoppedDirProblem = null;
      LOG.info("data dir not reconfigured for plan " + plan + ": its last configuration is the target already "
          + TargetConfiguration.describe(members) + ", nothing run");
      return new HttpApi.Reconfiguration(false, dataDir());
    }
    try {
      Node.reconfigureMembershipExt(engine, cfg.dir, members, lock);
    } catch (RuntimeException e) {
      // What the failed call left on disk is what /datadir must report.
      rereadStopped();
      LOG.warning("data dir reconfiguration for plan " + plan + " to " + TargetConfiguration.describe(members) + " failed: " + e.getMessage());
      throw e;
    }
    DataDirReader.Inspection after = rereadStopped();
    LOG.info("data dir reconfigured for plan " + plan + ": configuration " + TargetConfiguration.describe(before.configuration())
        + " -> " + (after == null ? "unreadable (" + stoppedDirProblem + ")" : TargetConfiguration.describe(after.configuration()))
        + ", last entry " + before.lastEntry().term() + "/" + before.lastEntry().index() + " -> "
        + (after == null ? "unreadable" : after.lastEntry().term() + "/" + after.lastEntry().index()));
    return new HttpApi.Reconfiguration(true, dataDir());
  }

  /** Reads the stopped dir again for {@code /datadir}; null when the read failed (the report then says why). */
  private DataDirReader.Inspection rereadStopped() {
    try {
      DataDirReader.Inspection read = DataDirReader.inspect(cfg.dir);
      stoppedDir = read;
      stoppedDirProblem = null;
      return read;
    } catch (IOException | RuntimeException e) {
      stoppedDirProblem = e.getMessage();
      stoppedDir = null;
      return null;
    }
  }

  /** This node's role: as the last membership check found it, else as the local view lists it. */
  private String ownRole(Identity id, ClusterView v, Membership ms) {
    Role r = ms != null && ms.role() != null ? ms.role() : null;
    if (r == null && id != null && v.member(id.id()) != null) {
      r = v.member(id.id()).role();
    }
    return r == null ? null : r.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public StatusReport status() {
    Identity id = identity;
    ClusterView v = roles == null ? ClusterView.EMPTY : roles.view();
    Membership ms = membership;
    NodeInfo leader = v.leader() != null ? v.leader() : ms == null ? null : ms.leader();
    StatusReport.EngineInfo e = null;
    if (engine != null) {
      List<String> caps = new ArrayList<>();
      for (Capability c : engine.capabilities()) {
        caps.add(c.name().toLowerCase(Locale.ROOT));
      }
      e = new StatusReport.EngineInfo(engine.name(), engine.version(), engine.versionNumber(), engine.library(), caps,
          engine.has(Capability.HANDOVER) ? "native" : "client");
    }
    return new StatusReport(id == null ? null : id.id(), cfg.address, cfg.bind, id == null ? null : id.clusterId(),
        id != null && id.joined(), !stopping && engineRunning(), notReadyReason(), ownRole(id, v, ms), leader,
        v.leader() != null && id != null && v.leader().id() == id.id(), failureDomain, failureDomainName,
        v.self() == null ? cfg.weight : v.self().weight(), v.members(), v.online(), v.leaving(),
        liveLog == null ? lastEntryAtStart : liveLog.current(), e,
        roles == null ? 0 : roles.roleChanges.get(), (System.nanoTime() - startNanos) / 1_000_000_000L,
        new StatusReport.DataDirState(id == null ? clusterEpoch : id.epoch(), setAside));
  }
}
