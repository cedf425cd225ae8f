package io.cowsql.client;

/** The outcome of an EXEC: the connection's last insert id and the rows the statement changed. */
public record Result(long lastInsertId, long rowsAffected) {
}
