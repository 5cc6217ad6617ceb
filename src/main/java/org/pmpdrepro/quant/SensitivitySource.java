package org.pmpdrepro.quant;

import java.io.IOException;
import java.util.Arrays;
import org.pmpdrepro.model.Tensor;

/**
 * Per-weight importance used by sensitivity-aware quantizers: a non-negative {@code [out, in]} tensor per matrix,
 * the diagonal Fisher information (squared loss gradients summed over calibration text) in the paper's set-up.
 */
@FunctionalInterface
public interface SensitivitySource {

    /** The sensitivity of every weight of {@code matrix}, whose fp32 value is {@code weight}; same shape. */
    Tensor sensitivity(LinearId matrix, Tensor weight) throws IOException;

    /** Every weight equally important: sensitivity-weighted k-means becomes plain k-means. */
    static SensitivitySource uniform() {
        return (matrix, weight) -> {
            float[] ones = new float[weight.data().length];
            Arrays.fill(ones, 1f);
            return new Tensor(weight.name(), weight.shape(), ones);
        };
    }
}
