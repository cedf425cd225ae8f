package io.cowsql.node.engine;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C API common to libcowsql and libdqlite, without the symbol prefix (the function mapper adds
 * {@code cowsql_} or {@code dqlite_}). Functions only libcowsql has are not declared here: {@link
 * Engine} probes them by symbol.
 *
 * <p>Never call this interface directly from application code: {@link io.cowsql.node.Node} guards
 * the calls that abort the process.
 */
public interface EngineLibrary extends Library {

  int version_number();

  int node_create(long id, String address, String dataDir, PointerByReference node);

  void node_destroy(Pointer node);

  int node_set_bind_address(Pointer node, String address);

  String node_get_bind_address(Pointer node);

  int node_set_connect_func(Pointer node, ConnectFunc f, Pointer arg);

  int node_set_network_latency_ms(Pointer node, int milliseconds);

  int node_set_failure_domain(Pointer node, long code);

  int node_set_snapshot_params(Pointer node, int threshold, int trailing);

  int node_start(Pointer node);

  int node_stop(Pointer node);

  int node_recover_ext(Pointer node, NodeInfoExt infos, int n);

  String node_errmsg(Pointer node);

  long generate_node_id(String address);

  /** {@code int (*f)(void *arg, const char *address, int *fd)}: called on an engine thread. */
  interface ConnectFunc extends Callback {
    int invoke(Pointer arg, String address, IntByReference fd);
  }
}
