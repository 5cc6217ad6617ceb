package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * Sees the input of every linear projection a forward pass computes, before it is multiplied by the weight:
 * how calibration-based quantizers (GPTQ's Hessians) gather activation statistics without a second forward
 * implementation. Attached with {@link RowPrecisions#observedBy}; absent, the forward pass is unchanged.
 */
@FunctionalInterface
public interface LinearInputObserver {

    /**
     * Called once per projection and step with its input {@code [rows, ..., in]}. The array belongs to the forward
     * step (it is closed with the step's scope): read it, do not keep it.
     */
    void observe(int layer, Linear proj, NDArray input);
}
