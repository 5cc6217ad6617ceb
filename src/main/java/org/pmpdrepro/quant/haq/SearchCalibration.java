package org.pmpdrepro.quant.haq;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.TextDocuments;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * The fixed calibration subset a search is scored on: the first {@code count} documents of a JSONL file of
 * {@code {"text": ...}} lines, each encoded as {@code <bos> tokens}, cut to {@code maxTokens}.
 *
 * @param sequences the token sequences
 * @param fileSha256 SHA-256 of the whole file
 * @param tokensSha256 SHA-256 of the sequences ({@link #sha256(List)})
 */
public record SearchCalibration(List<int[]> sequences, String fileSha256, String tokensSha256) {

    public SearchCalibration {
        sequences = sequences.stream().map(int[]::clone).toList();
    }

    @Override
    public List<int[]> sequences() {
        return sequences.stream().map(int[]::clone).toList();
    }

    /** Reads the subset; too few usable documents, or a line without {@code text}, is an error naming the line. */
    public static SearchCalibration load(Path jsonl, ProjectTokenizer tokenizer, int count, int maxTokens)
            throws IOException {
        if (count < 1 || maxTokens < 2) {
            throw new IllegalArgumentException("calibration: " + count + " sequences of at most " + maxTokens
                    + " tokens; expected at least 1 sequence of at least 2 tokens");
        }
        List<int[]> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null && out.size() < count; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int[] ids = tokenizer.encode(TextDocuments.parse(line, jsonl, lineNo).text());
                int[] seq = new int[Math.min(maxTokens, ids.length + 1)];
                seq[0] = tokenizer.bosId();
                System.arraycopy(ids, 0, seq, 1, seq.length - 1);
                if (seq.length >= 2) {
                    out.add(seq);
                }
            }
        }
        if (out.size() < count) {
            throw new IOException(jsonl + " has " + out.size() + " non-empty documents; expected at least " + count);
        }
        return new SearchCalibration(out, Hashes.sha256Hex(jsonl), sha256(out));
    }

    /** SHA-256 of token sequences: each as its length then its ids, 4-byte big-endian. */
    public static String sha256(List<int[]> sequences) {
        MessageDigest md = Hashes.sha256();
        for (int[] s : sequences) {
            md.update(intBytes(s.length));
            for (int t : s) {
                md.update(intBytes(t));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Override
    public String toString() {
        return "SearchCalibration[" + sequences.size() + " sequences, tokens " + tokensSha256 + ", lengths "
                + Arrays.toString(sequences.stream().mapToInt(s -> s.length).toArray()) + "]";
    }
}
