package org.pmpdrepro.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * One quantized weight matrix: projection {@code proj} of decoder block {@code layer}.
 *
 * <p>Only the seven block projections are quantized; embeddings, norms and the language-model head stay at full
 * precision, as in the paper's weight-only set-up.
 */
public record LinearId(int layer, Linear proj) {

    public LinearId {
        Objects.requireNonNull(proj, "proj");
        if (layer < 0) {
            throw new IllegalArgumentException("layer " + layer + " is negative; expected a block index >= 0");
        }
    }

    /** The Hugging Face tensor name of this matrix. */
    public String weightName() {
        return proj.weight(layer);
    }

    /** The Hugging Face shape {@code [out, in]} of this matrix in a model of {@code config}. */
    public int[] shape(LlamaConfig config) {
        return new int[] {proj.outFeatures(config), proj.inFeatures(config)};
    }

    /**
     * The matrix whose output norm {@code norm} of block {@code layer} receives, the last to write the residual stream
     * before it: down of the block before for the input norm (none for block 0, whose input is the embedding), o of
     * the same block for the post-attention norm. A norm kept per width transition (Bit-Mixer) is keyed on this
     * matrix's width and on the width of the matrices the norm feeds ({@link BlockNorm#follows()}).
     */
    public static Optional<LinearId> writtenBefore(int layer, BlockNorm norm) {
        return switch (norm) {
            case INPUT -> layer == 0 ? Optional.empty() : Optional.of(new LinearId(layer - 1, Linear.DOWN));
            case POST_ATTENTION -> Optional.of(new LinearId(layer, Linear.O));
        };
    }

    /** Every quantized matrix of {@code config}, block by block, in forward order. */
    public static List<LinearId> all(LlamaConfig config) {
        List<LinearId> out = new ArrayList<>(config.numLayers() * Linear.values().length);
        for (int l = 0; l < config.numLayers(); l++) {
            for (Linear p : Linear.values()) {
                out.add(new LinearId(l, p));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return weightName();
    }
}
