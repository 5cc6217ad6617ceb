package org.pmpdrepro.suite;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.JsonBinding;

/**
 * One cell's golden outputs: per prompt, in fixture order, its id, a hash of the generated token ids and the
 * post-processed text the metrics score. Stored as gzip'd JSON Lines ({@code {"id":…,"tokens":…,"text":…}} per
 * line) beside the golden CSV, since the texts of every cell would make the CSV unreadable and the repository
 * heavy. Java's gzip header carries no time stamp, so equal outputs give equal bytes.
 *
 * @param prompts one per test prompt, in fixture order
 */
public record GoldenOutputs(List<Prompt> prompts) {

    /**
     * One prompt's golden output.
     *
     * @param tokens {@link #tokenHash} of the generated token ids
     * @param text the post-processed output
     */
    public record Prompt(String id, String tokens, String text) {
        public Prompt {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(text, "text");
        }

        /** Whether {@code sample} decoded exactly these tokens to exactly this text. */
        public boolean matches(SampleOutput sample) {
            return id.equals(sample.id()) && tokens.equals(tokenHash(sample.tokens())) && text.equals(sample.output());
        }
    }

    private static final int TOKEN_HASH_HEX = 16;

    public GoldenOutputs {
        prompts = List.copyOf(prompts);
        Set<String> ids = new HashSet<>();
        for (Prompt p : prompts) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("golden outputs list prompt " + p.id() + " twice");
            }
        }
    }

    /**
     * The first 16 hex digits (64 bits) of the SHA-256 of the ids written in decimal and separated by single spaces:
     * enough to tell two token sequences apart, and computable in any language.
     */
    public static String tokenHash(List<Integer> tokenIds) {
        StringBuilder b = new StringBuilder(tokenIds.size() * 5);
        for (int i = 0; i < tokenIds.size(); i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(tokenIds.get(i));
        }
        return Hashes.sha256Hex(b.toString()).substring(0, TOKEN_HASH_HEX);
    }

    /** The golden outputs of a run's samples. */
    public static GoldenOutputs of(List<SampleOutput> samples) {
        return new GoldenOutputs(samples.stream().map(s -> new Prompt(s.id(), tokenHash(s.tokens()), s.output()))
                .toList());
    }

    public int size() {
        return prompts.size();
    }

    /** The texts, in prompt order. */
    public List<String> texts() {
        return prompts.stream().map(Prompt::text).toList();
    }

    /** The gzip'd JSON Lines bytes. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Prompt p : prompts) {
                gz.write(JsonBinding.writeLine(p).getBytes(StandardCharsets.UTF_8));
                gz.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compress golden outputs", e);
        }
        return bytes.toByteArray();
    }

    /** Writes the file atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeBytes(file, toBytes());
    }

    /**
     * Reads a golden outputs file; anything malformed is an error naming the file, the line and the field.
     *
     * @throws IllegalArgumentException when the file does not exist, is not gzip'd JSON Lines or a line lacks a field
     */
    public static GoldenOutputs read(Path file) {
        List<Prompt> prompts = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    prompts.add(JsonBinding.parse(line, Prompt.class));
                } catch (JsonBinding.Refused e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage()
                            + " (each line: {\"id\": ..., \"tokens\": ..., \"text\": ...})", e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("golden outputs file " + file + " does not exist; expected the gzip'd"
                    + " JSON Lines file its golden row names (update mode writes it)", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + ": not a gzip file (" + e.getMessage() + "); expected gzip'd"
                    + " JSON Lines with one {\"id\", \"tokens\", \"text\"} object per line", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden outputs " + file, e);
        }
        try {
            return new GoldenOutputs(prompts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
