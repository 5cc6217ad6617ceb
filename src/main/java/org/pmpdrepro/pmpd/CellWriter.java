package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.metrics.MetricResult;

/**
 * Writes a cell under {@code dir/<task>/<H-L>/<scheduler>/}: {@code outputs.jsonl} (one line per sample with its
 * output, reference, precision trace, average bits and per-sample scores) and {@code summary.json}.
 */
public final class CellWriter {

    private static final ObjectMapper JSON = Json.mapper();
    private static final ObjectMapper PRETTY = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CellWriter() {}

    public static Path directory(Path dir, CellResult c) {
        return dir.resolve(c.outputs().task().id()).resolve(c.pair().fileLabel()).resolve(c.scheduler());
    }

    public static Path write(Path dir, CellResult c, Map<String, Object> provenance) {
        Path cellDir = directory(dir, c);
        List<SampleOutput> samples = c.outputs().samples();
        AtomicFiles.writeLines(cellDir.resolve("outputs.jsonl"), sink -> {
            for (int i = 0; i < samples.size(); i++) {
                SampleOutput s = samples.get(i);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", s.id());
                line.put("output", s.output());
                line.put("reference", s.reference());
                line.put("raw_output", s.rawOutput());
                line.put("average_bits", c.sampleBits().get(i));
                line.put("trace", s.trace());
                line.put("stopped_at_eos", s.stoppedAtEos());
                Map<String, Double> scores = new LinkedHashMap<>();
                for (MetricResult m : c.scores().results()) {
                    scores.put(m.metric(), m.sampleScores().get(i));
                }
                line.put("scores", scores);
                sink.line(text(JSON, line));
            }
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("task", c.outputs().task().id());
        summary.put("split", c.split().id());
        summary.put("backbone", c.backbone());
        summary.put("pair", c.pair().label());
        summary.put("scheduler", c.scheduler());
        // Sorted: the record keeps an immutable copy, whose iteration order changes from one JVM run to the next.
        summary.put("scheduler_parameters", new TreeMap<>(c.parameters()));
        summary.put("examples", c.outputs().size());
        summary.put("scored_against", c.scores().scoredAgainst());
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (MetricResult m : c.scores().results()) {
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("score", m.score());
            metric.put("signature", m.signature());
            metrics.put(m.metric(), metric);
        }
        summary.put("metrics", metrics);
        summary.put("average_bits", c.averageBits());
        summary.put("average_bits_definition", "per sample: mean decode-step bit-width, prefill and first token"
                + " excluded; then the mean over samples");
        summary.put("weight_bytes_per_decoded_token", c.bytesPerToken());
        summary.put("tokens_per_second", c.tokensPerSecond());
        summary.put("generated_tokens", c.outputs().generatedTokens());
        summary.put("seconds", c.outputs().seconds());
        summary.put("device", c.outputs().device());
        summary.put("batch_size", c.outputs().batchSize());
        summary.put("post_processing", TaskRun.POST_PROCESSING);
        summary.putAll(provenance);
        AtomicFiles.writeString(cellDir.resolve("summary.json"), text(PRETTY, summary) + "\n");
        return cellDir;
    }

    private static String text(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
