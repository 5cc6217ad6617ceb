package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The precision-selecting source of every linear layer's weight.
 *
 * <p>The forward pass asks it for a projection's weight at the precision of the rows being computed; quantizers
 * plug in here without the forward pass changing. Returned arrays are owned by the provider (the caller must not
 * close them), live on the provider's device and are laid out transposed, {@code [in, out]}, so that
 * {@code x.matMul(w)} computes {@code x W^T} of the Hugging Face {@code [out, in]} weight.
 */
public interface WeightProvider extends AutoCloseable {

    /** The transposed weight {@code [in, out]} of {@code proj} in decoder block {@code layer} at {@code precision}. */
    NDArray linearTransposed(int layer, Linear proj, Precision precision);

    /**
     * The transposed weights of {@code projections} of block {@code layer} side by side, {@code [in, out_1 + ...]},
     * at {@code precision}, when the provider builds them itself (so it need not also hold each part): owned by the
     * provider, which must return an array of the weights it currently serves. Null, the default, lets the model
     * concatenate the parts {@link #linearTransposed} serves.
     */
    default NDArray fusedTransposed(int layer, Precision precision, Linear... projections) {
        return null;
    }

    /**
     * The gain of {@code norm} in block {@code layer} at {@code precision}: a provider that keeps its own norms per
     * precision (Bit-Mixer) returns them, every other one the model's {@code dense} gain, which is the default.
     */
    default NDArray norm(int layer, BlockNorm norm, Precision precision, NDArray dense) {
        return dense;
    }

    /** Whether this provider can serve {@code precision}; asking for another one is an error. */
    boolean supports(Precision precision);

    @Override
    void close();
}
