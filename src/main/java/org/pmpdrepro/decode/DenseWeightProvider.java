package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;

/** Serves the unquantized linear weights; any other precision is refused. */
public final class DenseWeightProvider implements WeightProvider {

    private final NDManager manager;
    private final Map<Linear, NDArray>[] layers;

    @SuppressWarnings("unchecked")
    public DenseWeightProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights) {
        this.manager = parent.newSubManager();
        this.layers = new Map[config.numLayers()];
        for (int l = 0; l < config.numLayers(); l++) {
            Map<Linear, NDArray> byProj = new EnumMap<>(Linear.class);
            for (Linear proj : Linear.values()) {
                byProj.put(proj, transposedOnDevice(manager, weights.apply(proj.weight(l))));
            }
            layers[l] = byProj;
        }
    }

    /** A Hugging Face {@code [out, in]} tensor as a contiguous {@code [in, out]} array. */
    static NDArray transposedOnDevice(NDManager manager, Tensor t) {
        Tensor transposed = t.transposed();
        return manager.create(transposed.data(), new ai.djl.ndarray.types.Shape(transposed.dims()));
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        if (!supports(precision)) {
            throw new IllegalArgumentException("the unquantized model serves only " + Precision.FULL + ", not "
                    + precision + " (layer " + layer + ", " + proj + ")");
        }
        return layers[layer].get(proj);
    }

    @Override
    public boolean supports(Precision precision) {
        return precision.isFull();
    }

    @Override
    public void close() {
        manager.close();
    }
}
