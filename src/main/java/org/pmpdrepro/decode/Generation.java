package org.pmpdrepro.decode;

import java.util.Arrays;
import java.util.List;

/**
 * One prompt's greedy continuation.
 *
 * @param tokens generated token ids, without the end-of-sequence token
 * @param trace the precision of the forward pass that produced each generated token (index 0: the prefill);
 *     one entry per generated token, including a final end-of-sequence token when there was one
 * @param stoppedAtEos whether generation ended on the end-of-sequence token rather than the token limit
 */
public record Generation(int[] tokens, List<Precision> trace, boolean stoppedAtEos) {

    public Generation {
        tokens = tokens.clone();
        trace = List.copyOf(trace);
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * Token-weighted mean of the decode-step precisions (prefill and first token excluded, as the paper
     * counts), or NaN when there was no decode step.
     */
    public double averageDecodeBits() {
        if (trace.size() < 2) {
            return Double.NaN;
        }
        return trace.subList(1, trace.size()).stream().mapToDouble(Precision::averageBits).average().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generation g && Arrays.equals(tokens, g.tokens) && trace.equals(g.trace)
                && stoppedAtEos == g.stoppedAtEos;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + trace.hashCode();
    }

    @Override
    public String toString() {
        return "Generation" + Arrays.toString(tokens) + (stoppedAtEos ? "+eos" : "");
    }
}
