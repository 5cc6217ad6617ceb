package org.pmpdrepro.io;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fuzz tests hold every input reader to: for any input, the reader returns, or throws its own exception type
 * (one of the project's) with a message naming the input; and it allocates at most {@link #MAX_ALLOCATED_BYTES} while
 * doing so. Any other throwable (a {@code NullPointerException}, a {@code NumberFormatException}, an
 * {@code OutOfMemoryError}) is rethrown as it is, so that Jazzer records the input and the stack trace that found it.
 *
 * <p>Time is bounded by each fuzz test's {@code @Timeout}, which Jazzer also applies to every input while fuzzing.
 */
public final class ReaderContract {

    /**
     * Far more than parsing any input of the fuzzer's sizes needs (kilobytes), far less than the test heap: a reader
     * that sizes an allocation by a length or count field it has not checked against the input exceeds it.
     */
    public static final long MAX_ALLOCATED_BYTES = 256L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The reader under test. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /** A reader of one file. */
    @FunctionalInterface
    public interface FileRead {
        void read(Path file) throws Exception;
    }

    private final Class<? extends Exception> own;
    private final String source;

    private ReaderContract(Class<? extends Exception> own, String source) {
        this.own = own;
        this.source = source;
    }

    /**
     * A contract whose reader may refuse an input with {@code own} (or a subtype), naming {@code source} (a file or
     * the directory that holds the files read) in the message.
     */
    public static ReaderContract refusingWith(Object source, Class<? extends Exception> own) {
        return new ReaderContract(own, String.valueOf(source));
    }

    /** Writes {@code input} to {@code file} and checks {@code read} of it against a contract naming the file. */
    public static void checkFile(Path file, byte[] input, Class<? extends Exception> own, FileRead read)
            throws Throwable {
        Files.write(file, input);
        refusingWith(file, own).check(() -> read.read(file));
    }

    /**
     * Runs {@code read} and checks the outcome; an outcome outside the contract is thrown. When the run allocates
     * more than the bound, it is run a second time and only the second run's allocation counts: the first input to
     * reach a class loads it on this thread, and while fuzzing Jazzer instruments it there too (the golden CSV
     * reader's first complete row allocated 275 MB that way, under 16 MB without Jazzer). A reader that sizes its
     * allocations by the input allocates as much again.
     */
    public void check(Read read) throws Throwable {
        long allocated = run(read);
        if (allocated > MAX_ALLOCATED_BYTES) {
            allocated = run(read);
        }
        if (allocated > MAX_ALLOCATED_BYTES) {
            throw new AssertionError("the reader allocated " + allocated + " bytes for one input; expected at most "
                    + MAX_ALLOCATED_BYTES);
        }
    }

    /** Runs {@code read} once, checks how it ended, and returns the bytes this thread allocated meanwhile. */
    private long run(Read read) throws Throwable {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.run();
        } catch (Throwable t) {
            if (!own.isInstance(t)) {
                throw t;
            }
            String message = t.getMessage();
            if (message == null || !message.contains(source)) {
                throw new AssertionError("the reader refused the input with " + t.getClass().getSimpleName()
                        + ", but its message does not name " + source + ": " + message, t);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
