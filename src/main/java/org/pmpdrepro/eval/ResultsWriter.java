package org.pmpdrepro.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
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
 * <p>Numbers that are undefined (NaN) are written as JSON {@code null}. The JSON files' forms are the records below;
 * scores are keyed by metric name in the order the task computed them.
 */
public final class ResultsWriter {

    public static final String OUTPUTS = "outputs.jsonl";
    public static final String SCORES = "scores.json";
    public static final String SUMMARY = "summary.md";

    /** One line of {@code outputs.jsonl}. */
    @JsonPropertyOrder({"id", "output", "reference", "raw_output", "trace", "tokens", "stopped_at_eos", "scores"})
    record OutputLine(String id, String output, String reference, @JsonProperty("raw_output") String rawOutput,
            List<String> trace, int tokens, @JsonProperty("stopped_at_eos") boolean stoppedAtEos,
            Map<String, Double> scores) {}

    /** One line of {@code baseline-<name>.jsonl}. */
    @JsonPropertyOrder({"id", "output", "reference", "scores"})
    record BaselineLine(String id, String output, String reference, Map<String, Double> scores) {}

    /** {@code scores.json}. */
    @JsonPropertyOrder({"task", "split", "samples", "scored_against", "task_metrics", "post_processing", "values",
        "metrics", "decode", "model", "fixtures", "baselines"})
    record Scores(String task, String split, int samples, @JsonProperty("scored_against") String scoredAgainst,
            @JsonProperty("task_metrics") List<String> taskMetrics,
            @JsonProperty("post_processing") String postProcessing, Map<String, Double> values,
            List<ScoreFormat.CorpusScore> metrics, Decode decode, Model model, Fixtures fixtures,
            List<Baseline> baselines) {}

    /** How the task was decoded, and how fast. */
    @JsonPropertyOrder({"plan", "batch_size", "device", "max_new_tokens", "generated_tokens", "stopped_at_eos",
        "seconds", "tokens_per_second", "average_bits"})
    record Decode(String plan, @JsonProperty("batch_size") int batchSize, String device,
            @JsonProperty("max_new_tokens") int maxNewTokens, @JsonProperty("generated_tokens") long generatedTokens,
            @JsonProperty("stopped_at_eos") long stoppedAtEos, Double seconds,
            @JsonProperty("tokens_per_second") Double tokensPerSecond,
            @JsonProperty("average_bits") Double averageBits) {}

    /** The model's directory, the SHA-256 of each file, and of them all. */
    @JsonPropertyOrder({"directory", "sha256", "files"})
    record Model(String directory, String sha256, Map<String, String> files) {}

    /** The task fixtures' directory and the SHA-256 of their manifest. */
    @JsonPropertyOrder({"directory", "manifest_sha256"})
    record Fixtures(String directory, @JsonProperty("manifest_sha256") String manifestSha256) {}

    /** A trivial baseline's scores. */
    @JsonPropertyOrder({"name", "description", "scored_against", "values", "metrics"})
    record Baseline(String name, String description, @JsonProperty("scored_against") String scoredAgainst,
            Map<String, Double> values, List<ScoreFormat.CorpusScore> metrics) {}

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
            AtomicFiles.writeString(scores, JsonBinding.write(scoresJson(r, provenance)));
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
                sink.line(JsonBinding.writeLine(new OutputLine(s.id(), s.output(), r.references().texts().get(i),
                        s.rawOutput(), s.trace(), s.tokens().size(), s.stoppedAtEos(),
                        sampleScores(r.scores().results(), i))));
            }
        });
        return file;
    }

    private static Path writeBaseline(Path file, BaselineResult b) {
        BaselineOutputs o = b.outputs();
        AtomicFiles.writeLines(file, sink -> {
            for (int i = 0; i < o.size(); i++) {
                sink.line(JsonBinding.writeLine(new BaselineLine(o.ids().get(i), o.outputs().get(i),
                        o.references().get(i), sampleScores(b.scores().results(), i))));
            }
        });
        return file;
    }

    private static Map<String, Double> sampleScores(List<MetricResult> results, int i) {
        Map<String, Double> m = new LinkedHashMap<>();
        results.forEach(r -> m.put(r.metric(), JsonBinding.finiteOrNull(r.sampleScores().get(i))));
        return m;
    }

    static Scores scoresJson(TaskResult r, Provenance provenance) {
        TaskOutputs o = r.outputs();
        Decode decode = new Decode(o.plan(), o.batchSize(), o.device(), r.task().maxNewTokens(), o.generatedTokens(),
                o.samples().stream().filter(SampleOutput::stoppedAtEos).count(), JsonBinding.finiteOrNull(o.seconds()),
                JsonBinding.finiteOrNull(o.tokensPerSecond()), JsonBinding.finiteOrNull(o.averageBits()));
        List<Baseline> baselines = new ArrayList<>();
        for (BaselineResult b : r.baselines()) {
            baselines.add(new Baseline(b.name(), b.outputs().description(), b.scores().scoredAgainst(),
                    numbers(b.scores().values()), metrics(b.scores().results())));
        }
        return new Scores(r.task().id(), r.split().id(), o.size(), r.scores().scoredAgainst(), r.task().metrics(),
                TaskRun.POST_PROCESSING, numbers(r.scores().values()), metrics(r.scores().results()), decode,
                new Model(provenance.model().directory(), provenance.model().sha256(), provenance.model().files()),
                new Fixtures(provenance.fixturesDirectory(), provenance.fixturesManifestSha256()), baselines);
    }

    private static List<ScoreFormat.CorpusScore> metrics(List<MetricResult> results) {
        return results.stream().map(ScoreFormat::jsonFiniteOrNull).toList();
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

    private static Map<String, Double> numbers(Map<String, Double> values) {
        Map<String, Double> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, JsonBinding.finiteOrNull(v)));
        return m;
    }
}
