package io.cowsql.node.engine;

import com.sun.jna.Structure;

/** {@code struct *_node_info_ext}: four uint64 words, 32 bytes. */
@Structure.FieldOrder({"size", "id", "address", "role"})
public class NodeInfoExt extends Structure {
  public static final int SIZE = 32;

  public long size;
  public long id;
  /** A {@code const char *} cast to uint64. */
  public long address;

  public long role;

  public NodeInfoExt() {
    super();
  }
}
