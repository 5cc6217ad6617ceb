package org.pmpdrepro.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes files so that readers see either the old content or the complete new one, never a partial file: the
 * content goes to a temporary file in the target's directory (so the final move is a rename within one file
 * system), is flushed, and then replaces the target atomically. The temporary file is named {@code .NAME.*.tmp}
 * ({@link #isScratchOf}) and locked while it is written, so that {@link StaleScratch} can tell one a killed run left
 * behind from one being written.
 */
public final class AtomicFiles {

    /** Receives the lines of a file; each becomes one {@code \n}-terminated line. */
    public interface LineSink {
        void line(String line) throws IOException;
    }

    /** Produces a file's content line by line. */
    @FunctionalInterface
    public interface LineProducer {
        void writeTo(LineSink sink) throws IOException;
    }

    /** What fills the temporary file before it replaces the target. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code body} to a temporary file beside {@code target}, forces it to disk, then moves it into place. */
    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.lock();
                body.writeTo(out);
                out.force(true);
            }
            readableByAll(tmp);
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes {@code bytes} atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        });
    }

    /** Writes {@code text} as UTF-8, exactly as given, atomically. */
    public static void writeText(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies {@code source} over {@code target} atomically. */
    public static void copy(Path source, Path target) throws IOException {
        writeBytes(target, Files.readAllBytes(source));
    }

    public static WrittenFile writeLines(Path target, LineProducer producer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            MessageDigest md = Hashes.sha256();
            long[] counts = new long[1];
            long bytes;
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream file = Channels.newOutputStream(channel);
                    CountingOutputStream counting = new CountingOutputStream(new DigestOutputStream(file, md));
                    Writer w = new BufferedWriter(new OutputStreamWriter(counting, StandardCharsets.UTF_8), 1 << 16)) {
                channel.lock();
                producer.writeTo(line -> {
                    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                        throw new IllegalArgumentException("line for " + target + " contains a line break: "
                                + line.substring(0, Math.min(80, line.length())));
                    }
                    w.write(line);
                    w.write('\n');
                    counts[0]++;
                });
                w.flush();
                bytes = counting.count;
            }
            readableByAll(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return new WrittenFile(target, HexFormat.of().formatHex(md.digest()), counts[0], bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /** Writes {@code content} (which should end with a newline) atomically. */
    public static WrittenFile writeString(Path target, String content) {
        String body = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        return writeLines(target, sink -> {
            for (String line : body.split("\n", -1)) {
                sink.line(line);
            }
        });
    }

    /** Whether {@code name} is that of a temporary file this class writes beside {@code target}. */
    public static boolean isScratchOf(Path target, String name) {
        return name.startsWith("." + target.getFileName() + ".") && name.endsWith(".tmp");
    }

    /** Temp files are created owner-only; outputs are ordinary shared files (rw-r--r--). */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file systems keep their default permissions
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Deletes {@code root} and everything below it; entries that vanish meanwhile are no error. */
    public static void deleteTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException gone) {
            return;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return; // deleted by someone else while being listed
            }
            throw e.getCause();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
