package org.pmpdrepro.decode;

import java.util.List;

/**
 * Greedy decoding of a list of prompts under precision plans: what a task run needs from an engine. Two engines serve
 * it: {@link GreedyDecoder} on DJL (the suite's default, batched, GPU when there is one) and
 * {@code decode.cpu.JavaDecoder} on the packed CPU kernels.
 */
public interface Decoder {

    /**
     * The continuations of {@code prompts} under each of {@code plans} (one result per plan, in order), each as if
     * decoded alone: at most {@code maxNewTokens} tokens, stopping at {@code eosId}.
     */
    List<DecodeResult> generate(List<int[]> prompts, int maxNewTokens, int eosId, List<PrecisionPlan> plans);

    /** The model's positions: a prompt and its new tokens must fit in them. */
    int maxPositions();
}
