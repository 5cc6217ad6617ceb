package org.pmpdrepro.pmpd;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskScores;

/**
 * One cell of the PMPD table: a task split decoded with one back-bone, precision pair and scheduler.
 *
 * @param parameters what reproduces the scheduler
 * @param outputs the decoded samples, each with its precision trace
 * @param scores every metric, against the dataset reference (debsum, debtrans) or the full-precision output (debchat)
 * @param sampleBits each sample's average decode bit-width (prefill and first token excluded)
 * @param averageBits mean of {@code sampleBits}
 * @param bytesPerToken mean over samples of the weight bytes read per decode step
 */
public record CellResult(Split split, String backbone, PrecisionPair pair, String scheduler,
        Map<String, Object> parameters, TaskOutputs outputs, TaskScores scores, List<Double> sampleBits,
        double averageBits, double bytesPerToken) {

    public CellResult {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(scheduler, "scheduler");
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(scores, "scores");
        sampleBits = List.copyOf(sampleBits);
    }

    public double tokensPerSecond() {
        return outputs.tokensPerSecond();
    }
}
