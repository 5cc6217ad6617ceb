package org.pmpdrepro.eval;

import java.util.List;
import java.util.Objects;
import org.pmpdrepro.data.Task;

/**
 * A model's outputs on a list of examples of one task, with how they were produced.
 *
 * @param samples one per example, in the order the examples were given
 * @param plan a description of the precision plan (e.g. {@code fixed full})
 * @param batchSize prompts decoded together
 * @param device where the model ran, as DJL names it
 * @param generatedTokens tokens produced over all samples, end-of-sequence tokens included
 * @param seconds wall-clock decoding time (tokenisation and scoring excluded)
 * @param tokensPerSecond {@code generatedTokens / seconds}
 * @param averageBits mean over samples of each sample's token-weighted decode bit-width (prefill and first token
 *     excluded, as the paper counts; NaN when no sample had a decode step)
 */
public record TaskOutputs(Task task, List<SampleOutput> samples, String plan, int batchSize, String device,
        long generatedTokens, double seconds, double tokensPerSecond, double averageBits) {

    public TaskOutputs {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(device, "device");
        samples = List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }

    public List<String> ids() {
        return samples.stream().map(SampleOutput::id).toList();
    }

    /** The post-processed outputs, in sample order: the hypotheses metrics score. */
    public List<String> outputs() {
        return samples.stream().map(SampleOutput::output).toList();
    }

    /** The examples' dataset references, in sample order. */
    public List<String> references() {
        return samples.stream().map(SampleOutput::reference).toList();
    }
}
