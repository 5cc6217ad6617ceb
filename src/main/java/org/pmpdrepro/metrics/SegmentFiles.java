package org.pmpdrepro.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.io.Utf8;

/**
 * Reads hypothesis and reference files the way sacrebleu's command line does: UTF-8, one segment per
 * {@code \n}-terminated line, trailing whitespace (including a {@code \r} of CRLF files) stripped from each
 * line. Input that would give a meaningless score is refused with a message naming the file: undecodable
 * bytes, an empty file, files of different line counts, and a file (or a device such as {@code /dev/zero}) of more
 * than {@link #MAX_BYTES}.
 */
public final class SegmentFiles {

    /** The most one file may hold: far more than any test set, far less than would exhaust the heap. */
    public static final long MAX_BYTES = 64L << 20;

    private SegmentFiles() {}

    /** The segments of one file. */
    public static List<String> read(Path file) throws IOException {
        return read(file, MAX_BYTES);
    }

    /** The segments of one file of at most {@code maxBytes} bytes. */
    static List<String> read(Path file, long maxBytes) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, expected a text file with one segment per line");
        }
        byte[] bytes;
        // Read up to the limit and one byte more, whatever size the file claims (a device claims none).
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new IOException(file + ": larger than " + size(maxBytes) + ", the most a segment file may hold");
        }
        String text = decode(file, bytes);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '\n') {
                lines.add(PyText.rstrip(text.substring(start, i)));
                start = i + 1;
            }
            i++;
        }
        if (start < text.length()) {
            lines.add(PyText.rstrip(text.substring(start)));
        }
        if (lines.isEmpty()) {
            throw new IOException(file + ": is empty, expected one segment per line");
        }
        return List.copyOf(lines);
    }

    /** A hypothesis file and its reference files (several files are several reference streams), checked for equal length. */
    public static Corpus readCorpus(Path hypotheses, List<Path> references) throws IOException {
        if (references.isEmpty()) {
            throw new IOException("no reference file given; at least one is needed");
        }
        List<String> hyps = read(hypotheses);
        List<List<String>> streams = new ArrayList<>();
        for (Path ref : references) {
            List<String> segs = read(ref);
            if (segs.size() != hyps.size()) {
                throw new IOException("line counts differ: " + hypotheses + " has " + hyps.size() + " lines but " + ref
                        + " has " + segs.size() + "; every reference file needs one line per hypothesis");
            }
            streams.add(segs);
        }
        return new Corpus(hyps, streams);
    }

    private static String size(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private static String decode(Path file, byte[] bytes) throws IOException {
        try {
            return Utf8.decode(bytes);
        } catch (Utf8.MalformedException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
