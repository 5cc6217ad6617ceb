package org.pmpdrepro.decode;

import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The two RMSNorms of a decoder block. A back-bone that keeps one gain per bit-width (Bit-Mixer) serves each at the
 * width of the projections it feeds, named by {@link #follows()}: the input norm feeds q, k and v, the
 * post-attention norm feeds gate and up.
 */
public enum BlockNorm {
    INPUT(Linear.Q),
    POST_ATTENTION(Linear.GATE);

    private final Linear follows;

    BlockNorm(Linear follows) {
        this.follows = follows;
    }

    /** The projection whose bit-width selects this norm's gain under a mixed per-matrix policy. */
    public Linear follows() {
        return follows;
    }

    /** The Hugging Face tensor name of this norm's gain in block {@code layer}. */
    public String weightName(int layer) {
        return switch (this) {
            case INPUT -> WeightNames.inputNorm(layer);
            case POST_ATTENTION -> WeightNames.postAttentionNorm(layer);
        };
    }
}
