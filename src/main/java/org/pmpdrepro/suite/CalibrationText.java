package org.pmpdrepro.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.data.FixtureBuilder;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/** The fixtures' calibration text, tokenised once on first request, for back-bones that calibrate. */
final class CalibrationText {

    private final Path file;
    private final int max;
    private List<int[]> sequences;

    CalibrationText(Path fixturesDir, int max) {
        this.file = fixturesDir.resolve(FixtureBuilder.CALIBRATION_TEXT_FILE);
        this.max = max;
    }

    /** The first {@code max} texts as {@code [bos] + tokens + [eos]}, cut to {@code positions} tokens. */
    synchronized List<int[]> sequences(ProjectTokenizer tokenizer, int positions) {
        if (sequences == null) {
            ObjectMapper json = new ObjectMapper();
            List<int[]> out = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int lineNo = 0;
                for (String line = r.readLine(); line != null && out.size() < max; line = r.readLine()) {
                    lineNo++;
                    JsonNode text = json.readTree(line).get("text");
                    if (text == null || !text.isTextual()) {
                        throw new IllegalArgumentException(file + ": line " + lineNo
                                + ": no string field 'text'; expected {\"id\":...,\"text\":...}");
                    }
                    int[] tokens = tokenizer.encode(text.asText());
                    int n = Math.min(tokens.length + 2, positions);
                    int[] seq = new int[n];
                    seq[0] = tokenizer.bosId();
                    System.arraycopy(tokens, 0, seq, 1, Math.min(tokens.length, n - 1));
                    if (tokens.length + 2 <= positions) {
                        seq[n - 1] = tokenizer.eosId();
                    }
                    out.add(seq);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read calibration text " + file, e);
            }
            sequences = List.copyOf(out);
        }
        return sequences;
    }
}
