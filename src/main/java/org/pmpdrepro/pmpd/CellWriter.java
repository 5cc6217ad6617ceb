package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.metrics.MetricResult;

/**
 * Writes a cell under {@code dir/<task>/<H-L>/<scheduler>/}: {@code outputs.jsonl} (one {@link SampleLine} per sample
 * with its output, reference, precision trace, average bits and per-sample scores) and {@code summary.json} (a
 * {@link Summary}). Scores are keyed by metric name, in the order the cell computed them.
 */
public final class CellWriter {

    static final String AVERAGE_BITS_DEFINITION = "per sample: mean decode-step bit-width, prefill and first token"
            + " excluded; then the mean over samples";

    /** One line of {@code outputs.jsonl}. */
    @JsonPropertyOrder({"id", "output", "reference", "raw_output", "average_bits", "trace", "stopped_at_eos", "scores"})
    record SampleLine(String id, String output, String reference, @JsonProperty("raw_output") String rawOutput,
            @JsonProperty("average_bits") Double averageBits, List<String> trace,
            @JsonProperty("stopped_at_eos") boolean stoppedAtEos, Map<String, Double> scores) {}

    /** A metric's corpus score in {@code summary.json}. */
    @JsonPropertyOrder({"score", "signature"})
    record MetricScore(double score, String signature) {}

    /** What ran a cell: the model's and the fixtures' hashes and the command line. */
    @JsonPropertyOrder({"model_sha256", "fixtures_manifest_sha256", "command"})
    public record Provenance(@JsonProperty("model_sha256") String modelSha256,
            @JsonProperty("fixtures_manifest_sha256") String fixturesManifestSha256, String command) {}

    /** {@code summary.json}: the cell, its scores and costs, then the run's provenance. */
    @JsonPropertyOrder({"task", "split", "backbone", "pair", "scheduler", "scheduler_parameters", "examples",
        "scored_against", "metrics", "average_bits", "average_bits_definition", "weight_bytes_per_decoded_token",
        "tokens_per_second", "generated_tokens", "seconds", "device", "batch_size", "post_processing"})
    record Summary(String task, String split, String backbone, String pair, String scheduler,
            @JsonProperty("scheduler_parameters") Map<String, Object> schedulerParameters, int examples,
            @JsonProperty("scored_against") String scoredAgainst, Map<String, MetricScore> metrics,
            @JsonProperty("average_bits") double averageBits,
            @JsonProperty("average_bits_definition") String averageBitsDefinition,
            @JsonProperty("weight_bytes_per_decoded_token") double weightBytesPerDecodedToken,
            @JsonProperty("tokens_per_second") double tokensPerSecond,
            @JsonProperty("generated_tokens") long generatedTokens, double seconds, String device,
            @JsonProperty("batch_size") int batchSize, @JsonProperty("post_processing") String postProcessing,
            @JsonUnwrapped Provenance provenance) {}

    private CellWriter() {}

    public static Path directory(Path dir, CellResult c) {
        return dir.resolve(c.outputs().task().id()).resolve(c.pair().fileLabel()).resolve(c.scheduler());
    }

    public static Path write(Path dir, CellResult c, Provenance provenance) {
        Path cellDir = directory(dir, c);
        List<SampleOutput> samples = c.outputs().samples();
        AtomicFiles.writeLines(cellDir.resolve("outputs.jsonl"), sink -> {
            for (int i = 0; i < samples.size(); i++) {
                sink.line(JsonBinding.writeLine(sampleLine(c, samples.get(i), i)));
            }
        });
        AtomicFiles.writeString(cellDir.resolve("summary.json"), JsonBinding.write(summary(c, provenance)));
        return cellDir;
    }

    static SampleLine sampleLine(CellResult c, SampleOutput s, int i) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (MetricResult m : c.scores().results()) {
            scores.put(m.metric(), m.sampleScores().get(i));
        }
        return new SampleLine(s.id(), s.output(), s.reference(), s.rawOutput(), c.sampleBits().get(i), s.trace(),
                s.stoppedAtEos(), scores);
    }

    static Summary summary(CellResult c, Provenance provenance) {
        Map<String, MetricScore> metrics = new LinkedHashMap<>();
        for (MetricResult m : c.scores().results()) {
            metrics.put(m.metric(), new MetricScore(m.score(), m.signature()));
        }
        // Sorted: the record keeps an immutable copy, whose iteration order changes from one JVM run to the next.
        return new Summary(c.outputs().task().id(), c.split().id(), c.backbone(), c.pair().label(), c.scheduler(),
                new TreeMap<>(c.parameters()), c.outputs().size(), c.scores().scoredAgainst(), metrics,
                c.averageBits(), AVERAGE_BITS_DEFINITION, c.bytesPerToken(), c.tokensPerSecond(),
                c.outputs().generatedTokens(), c.outputs().seconds(), c.outputs().device(), c.outputs().batchSize(),
                TaskRun.POST_PROCESSING, provenance);
    }
}
