package io.cowsql.node;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.cowsql.node.engine.Capability;
import io.cowsql.node.engine.Engine;
import io.cowsql.node.engine.EngineException;
import io.cowsql.node.engine.EngineLibrary;
import io.cowsql.node.engine.NodeDialer;
import io.cowsql.node.engine.NodeInfoExt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * One cowsql node hosted in this process through JNA: the Java counterpart of go-cowsql's {@code
 * Node}. Every call the engine would answer with an abort of the process (start without a bind
 * address, stop before start, use after destroy) is refused here with an exception.
 *
 * <p>Lifecycle: {@link #create} (node_create plus one setter per option) → {@link #start} → {@link
 * #handover} (optional) → {@link #close} (stop if started, then destroy; idempotent).
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  /** The id that makes node_start bootstrap a one-voter cluster in an empty data dir. */
  public static final long BOOTSTRAP_ID = 0x2dc171858c3155beL;

  private static final int ENGINE_OK = 0;
  private static final Set<Path> LIVE_DIRS = ConcurrentHashMap.newKeySet();

  private enum State {
    CREATED,
    STARTED,
    CLOSED
  }

  private final Engine engine;
  private final long id;
  private final String address;
  private final Path dataDir;
  private final String bindAddress;
  private final DataDirLock ownLock;
  // Kept reachable for as long as the engine may call it.
  private final EngineLibrary.ConnectFunc connectFunc;
  private Pointer handle;
  private State state;
  // The thread of a node_handover call that has not returned yet, else null.
  private Thread handoverCall;

  private Node(
      Engine engine,
      long id,
      String address,
      Path dataDir,
      String bindAddress,
      DataDirLock ownLock,
      EngineLibrary.ConnectFunc connectFunc,
      Pointer handle) {
    this.engine = engine;
    this.id = id;
    this.address = address;
    this.dataDir = dataDir;
    this.bindAddress = bindAddress;
    this.ownLock = ownLock;
    this.connectFunc = connectFunc;
    this.handle = handle;
    this.state = State.CREATED;
  }

  /** Create a node with the process-wide engine ({@link Engine#get()}). */
  public static Node create(long id, String address, Path dataDir, NodeOptions options) {
    return create(Engine.get(), id, address, dataDir, options);
  }

  /** node_create with the given id, advertised address and data dir, then apply the options. */
  public static Node create(Engine engine, long id, String address, Path dataDir, NodeOptions options) {
    if (id == 0) {
      throw new IllegalArgumentException("node id must not be 0");
    }
    if (address == null || address.isBlank() || address.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("node address must be a non-empty host:port");
    }
    if (options == null) {
      options = NodeOptions.defaults();
    }
    if (options.autoRecovery != null && !options.autoRecovery && !engine.has(Capability.AUTO_RECOVERY)) {
      throw new EngineException(
          "engine " + engine.name() + " " + engine.version() + " cannot turn auto-recovery off (no node_set_auto_recovery)");
    }
    if (options.targetVoters != null && !(engine.has(Capability.ROLE_MANAGEMENT) && engine.has(Capability.TARGET_VOTERS) && engine.has(Capability.TARGET_STANDBYS))) {
      throw new EngineException(
          "engine " + engine.name() + " " + engine.version() + " cannot manage roles itself (no node_enable_role_management): run the role policy in Java");
    }
    if (options.blockSize != null && !engine.has(Capability.BLOCK_SIZE)) {
      throw new EngineException(
          "engine " + engine.name() + " " + engine.version() + " cannot set the block size (no node_set_block_size)");
    }
    Path dir = checkDataDir(dataDir);
    if (!LIVE_DIRS.add(dir)) {
      throw new IllegalStateException("data dir " + dir + " is already used by a node in this process");
    }
    DataDirLock ownLock = null;
    PointerByReference ref = new PointerByReference();
    Pointer handle = null;
    try {
      if (options.lock == null) {
        ownLock = DataDirLock.acquire(dir);
      } else if (!options.lock.dir().equals(dir) || !options.lock.isValid()) {
        throw new IllegalArgumentException("the given lock does not hold " + dir);
      }
      EngineLibrary lib = engine.lib();
      int rc = lib.node_create(id, address, dir.toString(), ref);
      handle = ref.getValue();
      if (rc != ENGINE_OK) {
        String msg = handle == null ? "" : lib.node_errmsg(handle);
        throw new EngineException(rc, "node_create failed (" + rc + "): " + msg);
      }
      EngineLibrary.ConnectFunc cf = null;
      if (options.bindAddress != null) {
        check(lib, handle, lib.node_set_bind_address(handle, options.bindAddress), "set bind address " + options.bindAddress);
      }
      if (options.networkLatency != null) {
        check(lib, handle, lib.node_set_network_latency_ms(handle, (int) options.networkLatency.toMillis()), "set network latency");
      }
      if (options.failureDomain != null) {
        check(lib, handle, lib.node_set_failure_domain(handle, options.failureDomain), "set failure domain");
      }
      if (options.snapshotTrailing != 0) {
        check(lib, handle, lib.node_set_snapshot_params(handle, options.snapshotThreshold, options.snapshotTrailing), "set snapshot params");
      }
      if (options.autoRecovery != null && engine.has(Capability.AUTO_RECOVERY)) {
        Function f = engine.optional(Capability.AUTO_RECOVERY);
        check(lib, handle, f.invokeInt(new Object[] {handle, options.autoRecovery ? 1 : 0}), "set auto-recovery");
      }
      if (options.blockSize != null) {
        Function f = engine.optional(Capability.BLOCK_SIZE);
        check(lib, handle, f.invokeInt(new Object[] {handle, (long) options.blockSize}), "set block size");
      }
      if (options.targetVoters != null) {
        check(lib, handle, engine.optional(Capability.TARGET_VOTERS).invokeInt(new Object[] {handle, options.targetVoters}), "set target voters");
        check(lib, handle, engine.optional(Capability.TARGET_STANDBYS).invokeInt(new Object[] {handle, options.targetStandbys}), "set target standbys");
        check(lib, handle, engine.optional(Capability.ROLE_MANAGEMENT).invokeInt(new Object[] {handle}), "enable role management");
      }
      if (options.dialer != null) {
        cf = connectFunc(options.dialer);
        check(lib, handle, lib.node_set_connect_func(handle, cf, null), "set dial function");
      }
      Node node = new Node(engine, id, address, dir, options.bindAddress, ownLock, cf, handle);
      LOG.info(() -> "node created: id " + Long.toHexString(id) + " address " + address + " dir " + dir);
      return node;
    } catch (IOException e) {
      cleanup(engine, handle, ownLock, dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      cleanup(engine, handle, ownLock, dir);
      throw e;
    }
  }

  private static void cleanup(Engine engine, Pointer handle, DataDirLock lock, Path dir) {
    if (handle != null) {
      engine.lib().node_destroy(handle);
    }
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
    LIVE_DIRS.remove(dir);
  }

  private static Path checkDataDir(Path dataDir) {
    if (dataDir == null) {
      throw new IllegalArgumentException("data dir is required");
    }
    if (!Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException("data dir " + dataDir + " does not exist or is not a directory");
    }
    if (!Files.isWritable(dataDir)) {
      throw new IllegalArgumentException("data dir " + dataDir + " is not writable");
    }
    try {
      return dataDir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(EngineLibrary lib, Pointer handle, int rc, String what) {
    if (rc != ENGINE_OK) {
      throw new EngineException(rc, what + " failed (" + rc + "): " + lib.node_errmsg(handle));
    }
  }

  private static EngineLibrary.ConnectFunc connectFunc(NodeDialer dialer) {
    ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();
    return (Pointer arg, String target, IntByReference fd) -> {
      try {
        fd.setValue(dialer.dial(target));
        return 0;
      } catch (Throwable t) {
        long now = System.nanoTime();
        Long last = lastLogged.get(target);
        if (last == null || now - last > 30_000_000_000L) {
          lastLogged.put(target, now);
          LOG.info("dial " + target + " failed: " + t.getMessage());
        }
        return 1;
      }
    };
  }

  private void requireOpen(String what) {
    if (state == State.CLOSED) {
      throw new IllegalStateException("cannot " + what + ": node " + Long.toHexString(id) + " is closed");
    }
  }

  /** node_start. Refused without a bind address, twice, or after close. */
  public synchronized void start() {
    requireOpen("start");
    if (state == State.STARTED) {
      throw new IllegalStateException("node " + Long.toHexString(id) + " is already started");
    }
    if (bindAddress == null) {
      // The engine would abort the process (assert(d->listener != NULL)).
      throw new IllegalStateException("cannot start node " + Long.toHexString(id) + " without a bind address (NodeOptions.withBindAddress)");
    }
    int rc = engine.lib().node_start(handle);
    if (rc != ENGINE_OK) {
      throw new EngineException(rc, "node_start failed (" + rc + "): " + engine.lib().node_errmsg(handle));
    }
    state = State.STARTED;
    LOG.info(() -> "node started: id " + Long.toHexString(id) + " listening on " + engine.lib().node_get_bind_address(handle));
  }

  /** Whether the engine can hand over natively ({@code node_handover}, libcowsql). */
  public boolean hasNativeHandover() {
    return engine.has(Capability.HANDOVER);
  }

  /**
   * node_handover (libcowsql): transfer leadership if this node leads, promote an online standby or
   * spare to voter, demote this node to spare. Waits at most {@code timeout}: raft can keep a
   * transfer pending for as long as this node follows without a known leader, and the call then
   * never returns. On an engine without it this throws {@link UnsupportedOperationException}; the
   * agent then hands over through the client ({@code io.cowsql.node.agent.Handover}).
   *
   * @throws EngineException with the engine's code when it reports a failure (1 also when it
   *     transferred leadership but found no non-voter to promote), or code -1 when it did not
   *     answer within {@code timeout} (the call goes on; {@link #close} then stops the node but
   *     leaves its memory to the process's exit)
   */
  public void handover(Duration timeout) {
    Function f;
    CompletableFuture<Integer> result = new CompletableFuture<>();
    synchronized (this) {
      requireOpen("hand over");
      if (state != State.STARTED) {
        // The engine would wait forever: its loop ignores a handover unless the node runs.
        throw new IllegalStateException("cannot hand over: node " + Long.toHexString(id) + " is not started");
      }
      f = engine.optional(Capability.HANDOVER);
      if (f == null) {
        throw new UnsupportedOperationException("engine " + engine.name() + " " + engine.version() + " has no node_handover");
      }
      if (handoverCall != null) {
        throw new IllegalStateException("a handover of node " + Long.toHexString(id) + " is already running");
      }
      Pointer h = handle;
      handoverCall = new Thread(() -> {
        try {
          result.complete(f.invokeInt(new Object[] {h}));
        } catch (Throwable t) {
          result.completeExceptionally(t);
        } finally {
          synchronized (this) {
            handoverCall = null;
          }
        }
      }, "node-handover-" + Long.toHexString(id));
      handoverCall.setDaemon(true);
      handoverCall.start();
    }
    int rc;
    try {
      rc = result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new EngineException(-1, "node_handover did not return within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException(-1, "interrupted while waiting for node_handover");
    } catch (ExecutionException e) {
      throw new EngineException(-1, "node_handover failed: " + e.getCause(), e.getCause());
    }
    if (rc != ENGINE_OK) {
      synchronized (this) {
        throw new EngineException(rc, "node_handover failed (" + rc + "): " + (handle == null ? "" : engine.lib().node_errmsg(handle)));
      }
    }
  }

  /** Stop (only if started) and destroy. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    try {
      if (state == State.STARTED) {
        int rc = engine.lib().node_stop(handle);
        if (rc != ENGINE_OK) {
          LOG.warning("node_stop returned " + rc + ": " + engine.lib().node_errmsg(handle));
        }
      }
      if (handoverCall == null) {
        engine.lib().node_destroy(handle);
      } else {
        // node_handover still waits inside the node's memory: destroying it could wake that
        // thread on freed memory. The node is stopped; its memory goes with the process.
        LOG.warning("node " + Long.toHexString(id) + " stopped but not destroyed: node_handover has not returned");
      }
    } finally {
      handle = null;
      state = State.CLOSED;
      LIVE_DIRS.remove(dataDir);
      if (ownLock != null) {
        try {
          ownLock.close();
        } catch (IOException e) {
          LOG.warning("release lock of " + dataDir + ": " + e.getMessage());
        }
      }
      LOG.info(() -> "node closed: id " + Long.toHexString(id));
    }
  }

  /** The address the node listens on (resolved after start, e.g. for port 0 or @ names). */
  public synchronized String bindAddress() {
    requireOpen("read the bind address");
    String a = engine.lib().node_get_bind_address(handle);
    return a != null ? a : bindAddress;
  }

  public long id() {
    return id;
  }

  public String address() {
    return address;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Engine engine() {
    return engine;
  }

  public synchronized boolean isStarted() {
    return state == State.STARTED;
  }

  public synchronized boolean isClosed() {
    return state == State.CLOSED;
  }

  /** A new random-ish id for the address (hashes the address with the time: not deterministic). */
  public static long generateId(String address) {
    return generateId(Engine.get(), address);
  }

  public static long generateId(Engine engine, String address) {
    if (address == null || address.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("address required");
    }
    long id;
    do {
      id = engine.lib().generate_node_id(address);
    } while (id == 0 || id == BOOTSTRAP_ID || id == 1);
    return id;
  }

  /** node_recover_ext with every role forced to voter (go-cowsql's ReconfigureMembership). */
  public static void reconfigureMembership(Path dir, List<Member> members) {
    List<Member> voters = new ArrayList<>();
    for (Member m : members) {
      voters.add(new Member(m.id(), m.address(), MemberRole.VOTER));
    }
    reconfigureMembershipExt(Engine.get(), dir, voters);
  }

  public static void reconfigureMembershipExt(Path dir, List<Member> members) {
    reconfigureMembershipExt(Engine.get(), dir, members);
  }

  /**
   * Append a new configuration with exactly {@code members} to the log in {@code dir}: the recovery
   * primitive (see the module README, "Offline subcommands"). The directory must hold a stopped node's raft data; it is locked for
   * the duration, so this fails while an agent runs on it. Run it on one survivor only.
   */
  public static void reconfigureMembershipExt(Engine engine, Path dir, List<Member> members) {
    checkMembers(members);
    Path real = checkRaftDir(dir);
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(real);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    try (DataDirLock held = lock) {
      recoverExt(engine, real, members, held);
      LOG.info(() -> "reconfigured membership of " + real + ": " + members);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same on a dir whose lock the caller holds already: the agent, whose engine is stopped for a recovery plan,
   * keeps its lock so that no other process opens the dir in between. Logs nothing: the caller says what it did.
   */
  public static void reconfigureMembershipExt(Engine engine, Path dir, List<Member> members, DataDirLock held) {
    checkMembers(members);
    recoverExt(engine, checkRaftDir(dir), members, held);
  }

  private static void checkMembers(List<Member> members) {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("the new configuration needs at least one member");
    }
    Set<Long> ids = new HashSet<>();
    Set<String> addrs = new HashSet<>();
    boolean voter = false;
    for (Member m : members) {
      if (!ids.add(m.id())) {
        throw new IllegalArgumentException("duplicate member id " + Long.toUnsignedString(m.id()));
      }
      if (!addrs.add(m.address())) {
        throw new IllegalArgumentException("duplicate member address " + m.address());
      }
      voter |= m.role() == MemberRole.VOTER;
    }
    if (!voter) {
      throw new IllegalArgumentException("the new configuration needs at least one voter");
    }
  }

  private static Path checkRaftDir(Path dir) {
    Path real = checkDataDir(dir);
    if (!Files.exists(real.resolve("metadata1")) && !Files.exists(real.resolve("metadata2"))) {
      throw new IllegalArgumentException("data dir " + real + " holds no raft data (no metadata1/metadata2)");
    }
    return real;
  }

  private static void recoverExt(Engine engine, Path real, List<Member> members, DataDirLock held) {
    try (Node node = create(engine, 1, "1", real, NodeOptions.defaults().withLock(held))) {
      NodeInfoExt[] infos = (NodeInfoExt[]) new NodeInfoExt().toArray(members.size());
      List<Memory> keep = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Member m = members.get(i);
        byte[] bytes = m.address().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Memory mem = new Memory(bytes.length + 1L);
        mem.write(0, bytes, 0, bytes.length);
        mem.setByte(bytes.length, (byte) 0);
        keep.add(mem);
        infos[i].size = NodeInfoExt.SIZE;
        infos[i].id = m.id();
        infos[i].address = Pointer.nativeValue(mem);
        infos[i].role = m.role().code();
        infos[i].write();
      }
      int rc = engine.lib().node_recover_ext(node.handle, infos[0], members.size());
      if (rc != ENGINE_OK) {
        throw new EngineException(rc, "node_recover_ext failed (" + rc + "): " + engine.lib().node_errmsg(node.handle));
      }
      keep.clear();
    }
  }

  @Override
  public String toString() {
    return "Node[" + Long.toHexString(id) + " " + address + " " + state + "]";
  }
}
