package io.cowsql.operator.recovery;

/** One entry of a Raft configuration: node id in hex, cluster address, role (voter, standby, spare). */
public record ConfigMember(String nodeId, String address, String role) {
  public static final String VOTER = "voter";
  public static final String STANDBY = "standby";
}
