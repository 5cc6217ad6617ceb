package org.pmpdrepro.quant.gptq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.decode.DenseWeightProvider;
import org.pmpdrepro.decode.EngineArrays;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.WeightProvider;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;

/**
 * The model while GPTQ builds it at one bit-width: matrices already quantized are served quantized, the rest at
 * full precision, so that block {@code l} sees the inputs produced by the quantized blocks before it. A block is
 * {@link #release released} once the calibration streams have passed it.
 */
final class StagedWeightProvider implements WeightProvider {

    private final DenseWeightProvider dense;
    private final NDManager manager;
    private final Precision served;
    private final Map<LinearId, NDArray> quantized = new HashMap<>();

    StagedWeightProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights, Precision served) {
        this.dense = new DenseWeightProvider(parent, config, weights);
        this.manager = parent.newSubManager();
        this.served = served;
    }

    /** From now on, serves {@code dequantized} ({@code [out, in]}) for {@code id}. */
    void replace(LinearId id, Tensor dequantized) {
        NDArray previous = quantized.put(id, EngineArrays.ownedTransposed(manager, dequantized.data(),
                dequantized.dim(0), dequantized.dim(1)));
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * Closes everything held for block {@code layer}, quantized and dense: once the calibration streams have passed
     * the block it is never run again at this width, so the model under GPTQ holds about one block of matrices.
     */
    void release(int layer) {
        quantized.entrySet().removeIf(e -> {
            if (e.getKey().layer() != layer) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        dense.release(layer);
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        if (!supports(precision)) {
            throw new IllegalArgumentException("the model under GPTQ serves " + served + ", not " + precision);
        }
        NDArray q = quantized.get(new LinearId(layer, proj));
        return q != null ? q : dense.linearTransposed(layer, proj, Precision.FULL);
    }

    @Override
    public boolean supports(Precision precision) {
        return served.equals(precision);
    }

    @Override
    public void close() {
        quantized.clear();
        manager.close();
        dense.close();
    }
}
