package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * What the forward pass reads: the model's arrays on one device.
 *
 * <p>Decoding serves linear layers through a {@link WeightProvider}; training serves its trainable parameters. Both
 * run the same {@link LlamaGraph}, so the decoder is exercised by every training step.
 */
public interface LlamaWeights {

    LlamaConfig config();

    /** Token embeddings {@code [vocab, hidden]}. */
    NDArray embedding();

    NDArray inputNorm(int layer);

    NDArray postAttentionNorm(int layer);

    NDArray finalNorm();

    /**
     * The gain of {@code norm} in block {@code layer} for rows served at {@code precision}. A model with one set
     * of norms returns it whatever the precision.
     */
    default NDArray norm(int layer, BlockNorm norm, Precision precision) {
        return switch (norm) {
            case INPUT -> inputNorm(layer);
            case POST_ATTENTION -> postAttentionNorm(layer);
        };
    }

    /** Output head transposed, {@code [hidden, vocab]}. */
    NDArray lmHeadTransposed();

    /** A linear projection's weight transposed, {@code [in, out]}, at {@code precision}. */
    NDArray linearTransposed(int layer, Linear proj, Precision precision);

    /**
     * The transposed weights of {@code projections} (all reading the same input) of block {@code layer} side by side,
     * {@code [in, out_1 + out_2 + ...]}, at {@code precision}; or null when the model keeps them apart. Decoding fuses
     * them to run one larger matrix product instead of several small ones; training does not (default).
     */
    default NDArray fusedTransposed(int layer, Precision precision, Linear... projections) {
        return null;
    }

    /** Rotary cosines {@code [n, headDim/2]} covering at least positions {@code 0..positions-1} ({@link RopeTables}). */
    NDArray ropeCos(long positions);

    /** Rotary sines {@code [n, headDim/2]} covering at least positions {@code 0..positions-1} ({@link RopeTables}). */
    NDArray ropeSin(long positions);
}
