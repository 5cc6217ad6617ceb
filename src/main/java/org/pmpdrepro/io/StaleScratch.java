package org.pmpdrepro.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Scratch that killed runs left behind (a quantization cache entry half built, a file half written by
 * {@link AtomicFiles}), found and removed when a later run starts. Scratch counts as stale only when no live process
 * can own it: it was last modified before this JVM started (so nothing of this JVM's is touched) and its owner lock
 * is free. A writer owns a scratch file by holding a lock on it while writing, and a scratch directory by holding a
 * {@link #claim} on it; locks die with their process, so a killed writer's scratch is free.
 */
public final class StaleScratch {

    /** The file inside a claimed scratch directory that carries the claim's lock. */
    static final String OWNER = ".owner";

    private static final long JVM_START = ManagementFactory.getRuntimeMXBean().getStartTime();

    private StaleScratch() {}

    /** A live writer's claim on a scratch directory. Closing it drops the claim and deletes the owner file. */
    public static final class Claim implements AutoCloseable {
        private final Path owner;
        private final FileChannel channel;

        private Claim(Path owner, FileChannel channel) {
            this.owner = owner;
            this.channel = channel;
        }

        /** Deletes the owner file (so it never reaches what the directory becomes), then releases the lock. */
        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(owner);
            } finally {
                channel.close();
            }
        }
    }

    /** Claims {@code scratchDir} for this process until the claim is closed. */
    public static Claim claim(Path scratchDir) throws IOException {
        Path owner = scratchDir.resolve(OWNER);
        FileChannel channel = FileChannel.open(owner, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            channel.lock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Claim(owner, channel);
    }

    /**
     * Removes the entries of {@code dir} whose names {@code isScratch} accepts and that are stale (see the class
     * comment); returns what was removed. A missing {@code dir} has nothing to remove.
     */
    public static List<Path> remove(Path dir, Predicate<String> isScratch) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        DirectoryStream.Filter<Path> named = p -> isScratch.test(p.getFileName().toString());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, named)) {
            for (Path entry : entries) {
                if (stale(entry)) {
                    AtomicFiles.deleteTree(entry);
                    removed.add(entry);
                }
            }
        }
        return removed;
    }

    private static boolean stale(Path entry) throws IOException {
        try {
            if (Files.getLastModifiedTime(entry).toMillis() >= JVM_START) {
                return false;
            }
            if (!Files.isDirectory(entry)) {
                return unlocked(entry);
            }
            // A directory without an owner file was left before its writer could claim it, or just released.
            Path owner = entry.resolve(OWNER);
            return !Files.exists(owner) || unlocked(owner);
        } catch (NoSuchFileException gone) {
            return false; // its writer finished (or another cleaner removed it) meanwhile
        }
    }

    /** Whether no process holds a lock on {@code file}; only called for files older than this JVM. */
    private static boolean unlocked(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException ownedHere) {
            return false;
        }
    }
}
