package io.cowsql.node;

import io.cowsql.node.engine.NodeDialer;
import java.time.Duration;

/**
 * Options of a {@link Node}, the counterparts of go-cowsql's {@code With...} options. Immutable;
 * each {@code with...} returns a copy. Values are validated here, before any engine call.
 */
public final class NodeOptions {
  String bindAddress;
  Duration networkLatency;
  Long failureDomain;
  int snapshotThreshold;
  int snapshotTrailing;
  Boolean autoRecovery;
  Integer blockSize;
  NodeDialer dialer;
  DataDirLock lock;
  Integer targetVoters;
  Integer targetStandbys;

  private NodeOptions() {}

  private NodeOptions copy() {
    NodeOptions o = new NodeOptions();
    o.bindAddress = bindAddress;
    o.networkLatency = networkLatency;
    o.failureDomain = failureDomain;
    o.snapshotThreshold = snapshotThreshold;
    o.snapshotTrailing = snapshotTrailing;
    o.autoRecovery = autoRecovery;
    o.blockSize = blockSize;
    o.dialer = dialer;
    o.lock = lock;
    o.targetVoters = targetVoters;
    o.targetStandbys = targetStandbys;
    return o;
  }

  public static NodeOptions defaults() {
    return new NodeOptions();
  }

  /**
   * The address to listen on, in {@link io.cowsql.client.HostPort}'s grammar (the engine needs an IP
   * address there, not a name). Mandatory for start.
   */
  public NodeOptions withBindAddress(String address) {
    io.cowsql.client.HostPort.parse(address);
    NodeOptions o = copy();
    o.bindAddress = address;
    return o;
  }

  /** Typical one-way latency: heartbeat 1.5x, election timeout 15x. 1 ms .. 1 hour. */
  public NodeOptions withNetworkLatency(Duration latency) {
    long ms = latency.toMillis();
    if (ms < 1 || ms > 3_600_000) {
      throw new IllegalArgumentException("network latency must be between 1 ms and 1 hour, got " + latency);
    }
    NodeOptions o = copy();
    o.networkLatency = latency;
    return o;
  }

  public NodeOptions withFailureDomain(long code) {
    NodeOptions o = copy();
    o.failureDomain = code;
    return o;
  }

  /** Snapshot after {@code threshold} entries, keeping {@code trailing} (>= 4, >= threshold). */
  public NodeOptions withSnapshotParams(int threshold, int trailing) {
    if (threshold < 1) {
      throw new IllegalArgumentException("snapshot threshold must be >= 1");
    }
    if (trailing < 4 || trailing < threshold) {
      throw new IllegalArgumentException(
          "snapshot trailing must be >= 4 and >= threshold (" + threshold + "), got " + trailing);
    }
    NodeOptions o = copy();
    o.snapshotThreshold = threshold;
    o.snapshotTrailing = trailing;
    return o;
  }

  /** libcowsql only; an engine without it accepts {@code true} (its fixed behaviour) only. */
  public NodeOptions withAutoRecovery(boolean enabled) {
    NodeOptions o = copy();
    o.autoRecovery = enabled;
    return o;
  }

  /** libcowsql only: 512 B .. 256 KiB, a power of two. */
  public NodeOptions withBlockSize(int bytes) {
    if (bytes < 512 || bytes > 256 * 1024 || Integer.bitCount(bytes) != 1) {
      throw new IllegalArgumentException("block size must be a power of two between 512 and 262144, got " + bytes);
    }
    NodeOptions o = copy();
    o.blockSize = bytes;
    return o;
  }

  /** The engine's dial function (resolving names, remapping addresses). */
  public NodeOptions withDialFunc(NodeDialer dialer) {
    NodeOptions o = copy();
    o.dialer = dialer;
    return o;
  }

  /**
   * libcowsql only: let the engine run the role policy itself ({@code node_set_target_voters},
   * {@code node_set_target_standbys}, {@code node_enable_role_management}). The agent uses it only
   * with {@code --role-management engine}; by default it runs its own policy in Java on both engines.
   */
  public NodeOptions withEngineRoleManagement(int voters, int standbys) {
    if (voters < 1 || standbys < 0) {
      throw new IllegalArgumentException("target voters must be >= 1 and standbys >= 0");
    }
    NodeOptions o = copy();
    o.targetVoters = voters;
    o.targetStandbys = standbys;
    return o;
  }

  /** Use a lock the caller already holds on the data dir instead of taking one. */
  public NodeOptions withLock(DataDirLock lock) {
    NodeOptions o = copy();
    o.lock = lock;
    return o;
  }

  public String bindAddress() {
    return bindAddress;
  }
}
