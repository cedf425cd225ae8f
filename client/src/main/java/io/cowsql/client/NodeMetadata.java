package io.cowsql.client;

/** What DESCRIBE reports about the node it is sent to. */
public record NodeMetadata(long failureDomain, long weight) {
}
