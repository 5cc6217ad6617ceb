package org.pmpdrepro.decode;

import java.util.List;

/**
 * The continuations of a list of prompts, in prompt order, with where and how fast they were produced.
 *
 * @param profile the split of {@code seconds} between prefill and decode steps
 */
public record DecodeResult(List<Generation> generations, String device, long generatedTokens, double seconds,
        DecodeProfile profile) {

    public DecodeResult {
        generations = List.copyOf(generations);
    }

    public double tokensPerSecond() {
        return seconds > 0 ? generatedTokens / seconds : Double.NaN;
    }

    /** Mean over prompts of each prompt's average decode bit-width (prompts without decode steps left out). */
    public double averageBits() {
        return generations.stream().mapToDouble(Generation::averageDecodeBits).filter(d -> !Double.isNaN(d))
                .average().orElse(Double.NaN);
    }
}
