package org.pmpdrepro.quant.gptq;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/** Token sequences of the committed calibration text ({@code fixtures/tasks/calibration-text.jsonl}). */
final class CalibrationText {

    static final Path FILE = Path.of("fixtures", "tasks", "calibration-text.jsonl");

    private CalibrationText() {}

    /**
     * Documents {@code from..from+count} of the file, in file order, each encoded after a BOS token and cut to
     * {@code maxTokens}: disjoint ranges give disjoint calibration and held-out sets.
     */
    static List<int[]> sequences(ProjectTokenizer tokenizer, int from, int count, int maxTokens) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(FILE);
        if (from + count > lines.size()) {
            throw new IllegalArgumentException(FILE + " has " + lines.size() + " documents; asked for "
                    + from + ".." + (from + count));
        }
        List<int[]> out = new ArrayList<>();
        for (String line : lines.subList(from, from + count)) {
            int[] body = tokenizer.encode(json.readTree(line).get("text").asText());
            int[] seq = new int[Math.min(maxTokens, body.length + 1)];
            seq[0] = tokenizer.bosId();
            System.arraycopy(body, 0, seq, 1, seq.length - 1);
            out.add(seq);
        }
        return out;
    }

    static long tokens(List<int[]> sequences) {
        return sequences.stream().mapToLong(s -> s.length).sum();
    }
}
