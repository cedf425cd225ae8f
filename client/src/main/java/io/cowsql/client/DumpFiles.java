package io.cowsql.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two files DUMP returns: the database and its WAL, with their names as the server gives them. */
public record DumpFiles(String databaseName, byte[] database, String walName, byte[] wal) {
    /** Writes both files into {@code dir} (created if needed) and returns the database file's path. */
    public Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path db = dir.resolve(safeName(databaseName));
        Files.write(db, database);
        Files.write(dir.resolve(safeName(walName)), wal);
        return db;
    }

    private static String safeName(String name) throws IOException {
        String base = Path.of(name).getFileName() == null ? "" : Path.of(name).getFileName().toString();
        if (base.isEmpty() || base.equals(".") || base.equals("..")) {
            throw new IOException("the server sent an unusable dump file name: '" + name + "'");
        }
        return base;
    }
}
