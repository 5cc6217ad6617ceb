package org.pmpdrepro.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.ScoreFormat;

/**
 * Writes evaluation results as a directory, every file atomically:
 *
 * <ul>
 *   <li>{@code <task>/outputs.jsonl}: one line per sample: id, output, the reference it was scored against,
 *       the raw continuation, precision trace, token count, end-of-sequence flag and per-sample metric scores;
 *   <li>{@code <task>/baseline-<name>.jsonl}: the same for each trivial baseline (id, output, reference, scores);
 *   <li>{@code <task>/scores.json}: metric values with signatures and aggregation, decoding statistics (device,
 *       tokens/s, average bits), the post-processing, the model's identity, the fixture manifest's hash, and the
 *       baselines' scores;
 *   <li>{@code summary.md}: the {@link SummaryTable} with provenance.
 * </ul>
 *
 * <p>Numbers that are undefined (NaN) are written as JSON {@code null}.
 */
public final class ResultsWriter {

    public static final String OUTPUTS = "outputs.jsonl";
    public static final String SCORES = "scores.json";
    public static final String SUMMARY = "summary.md";

    private static final ObjectMapper JSON = Json.mapper();
    private static final ObjectMapper PRETTY = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsWriter() {}

    /** Writes every result under {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, Provenance provenance, List<TaskResult> results) {
        List<Path> written = new ArrayList<>();
        for (TaskResult r : results) {
            Path taskDir = dir.resolve(r.task().id());
            written.add(writeOutputs(taskDir.resolve(OUTPUTS), r));
            for (BaselineResult b : r.baselines()) {
                written.add(writeBaseline(taskDir.resolve("baseline-" + b.name() + ".jsonl"), b));
            }
            Path scores = taskDir.resolve(SCORES);
            AtomicFiles.writeString(scores, pretty(scoresJson(r, provenance)) + "\n");
            written.add(scores);
        }
        Path summary = dir.resolve(SUMMARY);
        AtomicFiles.writeString(summary, summary(provenance, results));
        written.add(summary);
        return written;
    }

    private static Path writeOutputs(Path file, TaskResult r) {
        List<SampleOutput> samples = r.outputs().samples();
        AtomicFiles.writeLines(file, sink -> {
            for (int i = 0; i < samples.size(); i++) {
                SampleOutput s = samples.get(i);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", s.id());
                line.put("output", s.output());
                line.put("reference", r.references().texts().get(i));
                line.put("raw_output", s.rawOutput());
                line.put("trace", s.trace());
                line.put("tokens", s.tokens().size());
                line.put("stopped_at_eos", s.stoppedAtEos());
                line.put("scores", sampleScores(r.scores().results(), i));
                sink.line(compact(line));
            }
        });
        return file;
    }

    private static Path writeBaseline(Path file, BaselineResult b) {
        BaselineOutputs o = b.outputs();
        AtomicFiles.writeLines(file, sink -> {
            for (int i = 0; i < o.size(); i++) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", o.ids().get(i));
                line.put("output", o.outputs().get(i));
                line.put("reference", o.references().get(i));
                line.put("scores", sampleScores(b.scores().results(), i));
                sink.line(compact(line));
            }
        });
        return file;
    }

    private static Map<String, Object> sampleScores(List<MetricResult> results, int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        results.forEach(r -> m.put(r.metric(), number(r.sampleScores().get(i))));
        return m;
    }

    static Map<String, Object> scoresJson(TaskResult r, Provenance provenance) {
        TaskOutputs o = r.outputs();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", r.task().id());
        root.put("split", r.split().id());
        root.put("samples", o.size());
        root.put("scored_against", r.scores().scoredAgainst());
        root.put("task_metrics", r.task().metrics());
        root.put("post_processing", TaskRun.POST_PROCESSING);
        root.put("values", numbers(r.scores().values()));
        root.put("metrics", r.scores().results().stream().map(ResultsWriter::metricJson).toList());
        Map<String, Object> decode = new LinkedHashMap<>();
        decode.put("plan", o.plan());
        decode.put("batch_size", o.batchSize());
        decode.put("device", o.device());
        decode.put("max_new_tokens", r.task().maxNewTokens());
        decode.put("generated_tokens", o.generatedTokens());
        decode.put("stopped_at_eos", o.samples().stream().filter(SampleOutput::stoppedAtEos).count());
        decode.put("seconds", number(o.seconds()));
        decode.put("tokens_per_second", number(o.tokensPerSecond()));
        decode.put("average_bits", number(o.averageBits()));
        root.put("decode", decode);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("directory", provenance.model().directory());
        model.put("sha256", provenance.model().sha256());
        model.put("files", provenance.model().files());
        root.put("model", model);
        Map<String, Object> fixtures = new LinkedHashMap<>();
        fixtures.put("directory", provenance.fixturesDirectory());
        fixtures.put("manifest_sha256", provenance.fixturesManifestSha256());
        root.put("fixtures", fixtures);
        List<Map<String, Object>> baselines = new ArrayList<>();
        for (BaselineResult b : r.baselines()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.name());
            m.put("description", b.outputs().description());
            m.put("scored_against", b.scores().scoredAgainst());
            m.put("values", numbers(b.scores().values()));
            m.put("metrics", b.scores().results().stream().map(ResultsWriter::metricJson).toList());
            baselines.add(m);
        }
        root.put("baselines", baselines);
        return root;
    }

    private static Map<String, Object> metricJson(MetricResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        ScoreFormat.json(result).forEach((k, v) -> m.put(k, v instanceof Double d ? number(d) : v));
        return m;
    }

    private static String summary(Provenance provenance, List<TaskResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("# Evaluation results\n\n");
        out.append("- model: `").append(provenance.model().directory()).append("`, sha256 `")
                .append(provenance.model().sha256()).append("`\n");
        out.append("- fixtures: `").append(provenance.fixturesDirectory()).append("`, manifest sha256 `")
                .append(provenance.fixturesManifestSha256()).append("`\n");
        for (TaskResult r : results) {
            out.append("- ").append(r.task().id()).append(": ").append(r.outputs().size()).append(" ")
                    .append(r.split().id()).append(" examples, scored against the ")
                    .append(r.scores().scoredAgainst()).append(", greedy, at most ").append(r.task().maxNewTokens())
                    .append(" new tokens, batch ").append(r.outputs().batchSize()).append(", on ")
                    .append(r.outputs().device()).append('\n');
        }
        out.append("- post-processing: ").append(TaskRun.POST_PROCESSING).append("\n\n");
        out.append(SummaryTable.markdown(results));
        out.append("\nSignatures:\n\n");
        for (TaskResult r : results) {
            for (MetricResult m : r.scores().results()) {
                out.append("- ").append(r.task().id()).append(" ").append(m.metric()).append(": `")
                        .append(m.signature()).append("`\n");
            }
        }
        return out.toString();
    }

    private static Map<String, Object> numbers(Map<String, Double> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, number(v)));
        return m;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String compact(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    private static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }
}
