package org.pmpdrepro.quant.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.pmpdrepro.io.TextDocuments;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * Token sequences of calibration text, with the SHA-256 of the tokens themselves: two sets hash alike exactly when
 * they hold the same sequences, whatever file or tokenizer produced them, which is what a quantizer's result
 * depends on.
 *
 * @param label where the sequences came from, for logs and manifests
 * @param sequences the token sequences (copied in and out)
 * @param sha256 SHA-256 over every sequence's length and ids
 */
public record CalibrationSet(String label, List<int[]> sequences, String sha256) {


    public CalibrationSet {
        Objects.requireNonNull(label, "label");
        sequences = copy(sequences);
        String expected = hash(sequences);
        if (!expected.equals(sha256)) {
            throw new IllegalArgumentException("calibration set '" + label + "': hash " + sha256
                    + " does not match its sequences (" + expected + ")");
        }
    }

    /** A set over already tokenized sequences. */
    public static CalibrationSet of(String label, List<int[]> sequences) {
        return new CalibrationSet(label, sequences, hash(sequences));
    }

    /**
     * The documents of a JSONL file of {@code {"text": ...}} lines, each as {@code <bos> tokens <eos>} cut to its
     * first {@code maxTokens} tokens, the first {@code maxSequences} of them (0: all).
     */
    public static CalibrationSet load(Path jsonl, ProjectTokenizer tokenizer, int maxSequences, int maxTokens)
            throws IOException {
        if (maxSequences < 0 || maxTokens < 2) {
            throw new IllegalArgumentException("calibration limits " + maxSequences + " sequences of " + maxTokens
                    + " tokens; expected >= 0 sequences (0: all) of >= 2 tokens");
        }
        List<String> texts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                texts.add(TextDocuments.parse(line, jsonl, lineNo).text());
                if (texts.size() == maxSequences) {
                    break;
                }
            }
        }
        if (texts.isEmpty()) {
            throw new IOException(jsonl + ": no documents; expected JSONL lines with a 'text' field");
        }
        List<int[]> out = new ArrayList<>(texts.size());
        for (int[] ids : tokenizer.encodeBatch(texts)) {
            out.add(document(ids, tokenizer.bosId(), tokenizer.eosId(), maxTokens));
        }
        String label = jsonl.getFileName() + " (" + out.size() + " documents, at most " + maxTokens + " tokens each)";
        return of(label, out);
    }

    /** {@code <bos> ids <eos>}, cut to {@code maxTokens}. */
    public static int[] document(int[] ids, int bos, int eos, int maxTokens) {
        int[] doc = new int[Math.min(maxTokens, ids.length + 2)];
        doc[0] = bos;
        System.arraycopy(ids, 0, doc, 1, Math.min(ids.length, doc.length - 1));
        if (ids.length + 2 <= maxTokens) {
            doc[doc.length - 1] = eos;
        }
        return doc;
    }

    @Override
    public List<int[]> sequences() {
        return copy(sequences);
    }

    public int size() {
        return sequences.size();
    }

    /** Number of tokens over all sequences. */
    public long tokens() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    private static List<int[]> copy(List<int[]> sequences) {
        List<int[]> out = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            out.add(s.clone());
        }
        return List.copyOf(out);
    }

    private static String hash(List<int[]> sequences) {
        MessageDigest md = org.pmpdrepro.io.Hashes.sha256();
        ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] s : sequences) {
            md.update(buf.clear().putInt(s.length).array());
            for (int id : s) {
                md.update(buf.clear().putInt(id).array());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
