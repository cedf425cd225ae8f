/**
 * The {@code cowsql} shell ({@link io.cowsql.client.shell.CowsqlShell}), the
 * Java twin of Debian's Go {@code dqlite} shell: same flags, commands and
 * output (tabular and json).
 *
 * <pre>
 * cowsql -s host:port[,host:port] [-f tabular|json] DATABASE [SQL | .command]
 * </pre>
 *
 * Differences from the Go shell: statements are split on ';' outside string
 * literals and comments; any statement that returns rows prints them (not
 * only SELECT); {@code .dump ADDR} without a database dumps the shell's
 * database (the Go shell defaults to "db.bin"); errors go to standard error;
 * a scripted run (standard input not a terminal) exits 1 if a statement
 * failed; bad arguments exit 2; TLS, file:// node stores and
 * {@code .reconfigure} are not supported.
 */
package io.cowsql.client.shell;
