/**
 * The {@code cowsql} shell ({@link io.cowsql.client.shell.CowsqlShell}), the
 * Java twin of go-cowsql's Go {@code cowsql} shell: same flags, commands and
 * output (tabular and json), the same exit status and SQL errors worded the
 * same; plus {@code .tables} and {@code .schema}.
 *
 * <pre>
 * cowsql -s host:port[,host:port] [-f tabular|json] DATABASE [SQL | .command]
 * </pre>
 *
 * The commands and the deliberate differences from the Go shell are listed in
 * the client module's README.md ("The shell").
 */
package io.cowsql.client.shell;
