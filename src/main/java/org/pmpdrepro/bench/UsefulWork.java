package org.pmpdrepro.bench;

import java.util.List;
import org.pmpdrepro.model.LlamaConfig;

/**
 * The arithmetic a greedy decode of a Llama model cannot avoid, in floating-point operations (a multiply-add counts
 * two), so that two decoders doing the same job can be compared in GFLOP/s whatever their padding or batching.
 *
 * <p>Per position fed through the model: every linear layer of every block ({@code 2 x} its weights), and attention
 * over the positions it may see ({@code 2 x 2 x heads x headDim} per visible key: scores and the weighted sum of
 * values). Per produced token: the output head ({@code 2 x hidden x vocab}); a prefill produces one token, from its last
 * position, and so does each decode step. Padding, masked keys and norms are not counted.
 */
public final class UsefulWork {

    private UsefulWork() {}

    /**
     * @param promptLengths each prompt's length in tokens
     * @param producedTokens each prompt's number of forward passes' tokens (generated tokens, an end-of-sequence token
     *     included), so that {@code producedTokens - 1} decode steps followed the prefill
     */
    public static double flops(LlamaConfig c, List<Integer> promptLengths, List<Integer> producedTokens) {
        if (promptLengths.size() != producedTokens.size()) {
            throw new IllegalArgumentException(promptLengths.size() + " prompts but " + producedTokens.size()
                    + " token counts");
        }
        double linear = 2.0 * c.numLayers() * linearWeightsPerBlock(c);
        double head = 2.0 * c.hiddenSize() * c.vocabSize();
        double perKey = 2.0 * 2.0 * c.numLayers() * c.numHeads() * c.headDim();
        double total = 0;
        for (int i = 0; i < promptLengths.size(); i++) {
            long prompt = promptLengths.get(i);
            long produced = producedTokens.get(i);
            long steps = Math.max(0, produced - 1);
            long positions = prompt + steps;
            // Position p (0-based) attends to p + 1 keys: sum over p < positions.
            double keys = positions * (positions + 1) / 2.0;
            total += positions * linear + keys * perKey + produced * head;
        }
        return total;
    }

    /** Weights of the seven projections of one block. */
    static long linearWeightsPerBlock(LlamaConfig c) {
        long h = c.hiddenSize();
        long kv = c.kvDim();
        return h * h + 2 * h * kv + h * h + 3 * h * (long) c.intermediateSize();
    }
}
