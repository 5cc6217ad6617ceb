package org.pmpdrepro.quant.bitmixer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pmpdrepro.io.TextDocuments;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * Calibration text as token sequences: each {@code {"text": ...}} line of a JSONL file becomes
 * {@code <bos> tokens <eos>}, cut to at most {@code maxTokens}.
 */
public final class FineTuningText {


    private FineTuningText() {}

    public static List<int[]> load(Path jsonl, ProjectTokenizer tokenizer, int maxTokens) throws IOException {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("max tokens " + maxTokens + ": expected at least 2");
        }
        List<String> texts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                texts.add(TextDocuments.parse(line, jsonl, lineNo).text());
            }
        }
        if (texts.isEmpty()) {
            throw new IOException(jsonl + " holds no text; expected one {\"text\": ...} object per line");
        }
        List<int[]> out = new ArrayList<>(texts.size());
        for (int[] ids : tokenizer.encodeBatch(texts)) {
            int[] seq = new int[ids.length + 2];
            seq[0] = tokenizer.bosId();
            System.arraycopy(ids, 0, seq, 1, ids.length);
            seq[seq.length - 1] = tokenizer.eosId();
            out.add(seq.length > maxTokens ? Arrays.copyOf(seq, maxTokens) : seq);
        }
        return List.copyOf(out);
    }
}
