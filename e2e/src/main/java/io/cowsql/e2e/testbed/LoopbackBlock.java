package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code 127.B.0.0/16} block of loopback addresses held by one user on this machine (a process
 * kubelet, or a cluster the chaos harness starts): B in 100..199, locked machine-wide by a file lock
 * in {@link ProcessRegistry#defaultDir()} ({@code net-127.B.lock}), released at {@link #close()} or
 * when the JVM dies.
 */
public final class LoopbackBlock implements AutoCloseable {
    private final int octet;
    private final FileChannel channel;
    private final FileLock lock;

    private LoopbackBlock(int octet, FileChannel channel, FileLock lock) {
        this.octet = octet;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks a free block, starting the search at a random one. */
    public static LoopbackBlock acquire() {
        try {
            Path locks = Files.createDirectories(ProcessRegistry.defaultDir());
            int start = ThreadLocalRandom.current().nextInt(100);
            for (int i = 0; i < 100; i++) {
                int cand = 100 + (start + i) % 100;
                FileChannel c = FileChannel.open(locks.resolve("net-127." + cand + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = c.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    l = null; // held by another user in this JVM
                }
                if (l != null) {
                    return new LoopbackBlock(cand, c, l);
                }
                c.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no free 127.B.0.0/16 block of loopback addresses");
    }

    /** B of 127.B.0.0/16. */
    public int octet() {
        return octet;
    }

    /** {@code 127.B.x.y}. */
    public String address(int x, int y) {
        return "127." + octet + "." + x + "." + y;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
    }
}
