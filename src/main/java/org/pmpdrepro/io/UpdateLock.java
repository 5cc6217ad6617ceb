package org.pmpdrepro.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive right to update one shared file (read it, merge, write it back), held against other threads and other
 * processes: a {@link FileLock} on a sibling {@code .NAME.lock} file, which stays in place (deleting a lock file
 * while another process waits on it would let a third one lock a new file of the same name). The file itself cannot
 * carry the lock because atomic writes replace it.
 */
public final class UpdateLock implements AutoCloseable {

    /** File locks belong to the whole JVM, so threads of one JVM also queue on a lock of their own. */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;

    private UpdateLock(ReentrantLock local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    /** Waits until no other thread or process updates {@code target}, then holds the right until closed. */
    public static UpdateLock acquire(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path lockFile = absolute.resolveSibling("." + absolute.getFileName() + ".lock");
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(lockFile, k -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock();
            return new UpdateLock(local, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    /** Releases the file lock (by closing its channel) and lets the next thread in. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
