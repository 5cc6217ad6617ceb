package org.pmpdrepro.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.metrics.MetricResult;

/**
 * Everything one cell's run produced: what the report attaches and what goldens and findings are computed from.
 *
 * @param plan the decoded plan's key ({@code fixed 4bit}, ...); cells with equal task, back-bone and plan share
 *     one decode
 * @param device where the model ran, as DJL names it
 * @param referencesLabel what the outputs were scored against ({@code dataset reference},
 *     {@code full-precision output})
 * @param samples per-sample prompts, outputs and precision traces, in fixture order
 * @param references the texts each output was scored against, in sample order
 * @param averageBits the paper's average bit-width: mean over samples of the token-weighted decode precision
 * @param bytesPerToken mean weight bytes one decode step reads under the plan; NaN where the back-bone cannot say
 * @param residentBytes quantized-matrix bytes resident to serve both precisions of the pair (nested bit-planes
 *     cost the widest model, separate models their sum); NaN where the back-bone cannot say
 * @param metrics all four metrics (Rouge-L, BERTScore, BLEU, SacreBLEU), the task's own first
 */
public record CellOutcome(Cell cell, String plan, String device, String referencesLabel, List<SampleOutput> samples,
        List<String> references, double averageBits, double bytesPerToken, double residentBytes, Timings timings,
        List<MetricResult> metrics) {

    /**
     * Where the time went. Decodes and back-bones are shared, so a cell that reused them reports zero for that
     * part and says so.
     *
     * @param buildSeconds building the quantized back-bone (only the first cell that needed it)
     * @param decodeSeconds decoding (zero when reused)
     * @param scoreSeconds scoring with all metrics (zero when reused)
     * @param decodeShared whether the decode came from an earlier cell of this run
     */
    public record Timings(double buildSeconds, double decodeSeconds, double scoreSeconds, boolean decodeShared) {}

    public CellOutcome {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(referencesLabel, "referencesLabel");
        Objects.requireNonNull(timings, "timings");
        samples = List.copyOf(samples);
        references = List.copyOf(references);
        metrics = List.copyOf(metrics);
        if (references.size() != samples.size()) {
            throw new IllegalArgumentException(cell.id() + ": " + samples.size() + " samples but "
                    + references.size() + " references");
        }
        for (MetricResult m : metrics) {
            if (m.size() != samples.size()) {
                throw new IllegalArgumentException(cell.id() + ": metric " + m.metric() + " scored " + m.size()
                        + " samples, the cell has " + samples.size());
            }
        }
    }

    public int sampleCount() {
        return samples.size();
    }

    /** The result of {@code metric}; an error naming the metrics present when it is missing. */
    public MetricResult metric(String metric) {
        return metrics.stream().filter(m -> m.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(cell.id() + ": metric '" + metric
                        + "' was not computed; computed: " + values().keySet()));
    }

    public double value(String metric) {
        return metric(metric).score();
    }

    /** Metric name → corpus score, in {@link #metrics} order. */
    public Map<String, Double> values() {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach(m -> out.put(m.metric(), m.score()));
        return out;
    }

    /** Post-processed outputs, in sample order. */
    public List<String> outputs() {
        return samples.stream().map(SampleOutput::output).toList();
    }
}
