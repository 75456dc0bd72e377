package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to files that several keyhold processes share (the emulator's state file, the emulated clock):
 * an operating-system lock on a lock file for other processes, and a lock per file for the other threads of this
 * one (the JVM refuses to take one file lock twice). Reentrant within a thread. Held only for one
 * read-modify-write, never while a handler waits between callbacks.
 */
public final class StateLock {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private StateLock() {
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for and takes {@code lockFile} (created if missing). */
    public static Held acquire(final Path lockFile) {
        final Path key = lockFile.toAbsolutePath().normalize();
        final ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        if (local.getHoldCount() > 1) {
            return local::unlock;
        }
        try {
            Files.createDirectories(key.getParent());
            final FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try {
                lock = channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return () -> {
                try {
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    // the operating system releases it when the channel or the process goes
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException e) {
            local.unlock();
            throw new UncheckedIOException("cannot lock " + key + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
    }
}
