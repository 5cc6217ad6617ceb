package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.eval.TaskScores;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.WeightTraffic;

/**
 * Decodes task examples under a scheduler on a quantized model and scores them as the paper does. The
 * full-precision outputs debchat is scored against are decoded once per example list and reused.
 */
public final class PmpdRunner {

    private final TaskRun run;
    private final QuantizedModel quantized;
    private final String backbone;
    private final TaskScorer scorer;
    private final WeightTraffic traffic;
    private final Map<List<String>, TaskOutputs> fullPrecision = new HashMap<>();
    private final Map<String, Double> policyBits = new HashMap<>();

    /** @param run a task run over a model whose provider serves {@code quantized} */
    public PmpdRunner(TaskRun run, QuantizedModel quantized, String backbone, TaskScorer scorer) {
        this.run = run;
        this.quantized = quantized;
        this.backbone = backbone;
        this.scorer = scorer;
        this.traffic = new WeightTraffic(quantized);
    }

    public QuantizedModel quantized() {
        return quantized;
    }

    public String backbone() {
        return backbone;
    }

    /** The full-precision outputs of {@code examples} (decoded on first request). */
    public TaskOutputs fullPrecision(List<TaskExample> examples) {
        List<String> ids = examples.stream().map(TaskExample::id).toList();
        return fullPrecision.computeIfAbsent(ids, k -> run.run(examples));
    }

    /** What a task's outputs are scored against: the dataset reference, or for debchat the full-precision output. */
    public References references(Task task, List<TaskExample> examples) {
        return task == Task.DEBCHAT
                ? References.fullPrecision(fullPrecision(examples))
                : References.dataset(examples);
    }

    /** Decodes and scores {@code examples} (of one task and split) with {@code scheduler}. */
    public CellResult run(Split split, List<TaskExample> examples, PrecisionPair pair, Scheduler scheduler) {
        return run(split, examples, pair, scheduler, UnaryOperator.identity());
    }

    /** As {@link #run(Split, List, PrecisionPair, Scheduler)}, decoding the plan as {@code observe} wraps it. */
    CellResult run(Split split, List<TaskExample> examples, PrecisionPair pair, Scheduler scheduler,
            UnaryOperator<PrecisionPlan> observe) {
        Task task = examples.get(0).task();
        References refs = references(task, examples);
        TaskOutputs outputs = run.run(examples, observe.apply(scheduler.plan(task.maxNewTokens())),
                scheduler.name() + " " + pair.label());
        TaskScores scores = scorer.score(outputs, refs);
        List<Double> bits = new ArrayList<>();
        double bytes = 0;
        int counted = 0;
        for (SampleOutput s : outputs.samples()) {
            bits.add(averageBits(s.trace()));
            double b = traffic.perDecodedToken(s.trace());
            if (!Double.isNaN(b)) {
                bytes += b;
                counted++;
            }
        }
        double mean = bits.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).average()
                .orElse(Double.NaN);
        return new CellResult(split, backbone, pair, scheduler.name(), scheduler.parameters(), outputs, scores, bits,
                mean, counted == 0 ? Double.NaN : bytes / counted);
    }

    /** Token-weighted decode bit-width of one trace of precision labels, as {@code Generation#averageDecodeBits}. */
    public double averageBits(List<String> trace) {
        if (trace.size() < 2) {
            return Double.NaN;
        }
        return trace.subList(1, trace.size()).stream().mapToDouble(this::bitsOf).average().orElseThrow();
    }

    private double bitsOf(String label) {
        if (label.equals(Precision.FULL.label())) {
            return Precision.FULL.averageBits();
        }
        if (label.endsWith("bit")) {
            return Integer.parseInt(label.substring(0, label.length() - 3));
        }
        return policyBits.computeIfAbsent(label, l -> quantized.policy(l).orElseThrow(() -> new IllegalStateException(
                "trace precision '" + l + "' is neither uniform nor a policy of the " + quantized.method() + " model "
                        + quantized.policies().keySet())).averageBits(quantized.config()));
    }
}
