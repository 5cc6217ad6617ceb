package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.Function;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * Serves the unquantized linear weights; any other precision is refused. Each matrix is read from {@code weights}
 * when first asked for and kept: a model whose passes never run at full precision (a quantized back-bone's
 * decoding) never holds its dense copy, and the weight source must stay open while this provider is in use.
 */
public final class DenseWeightProvider implements WeightProvider {

    private final NDManager manager;
    private final Function<String, Tensor> weights;
    private final NDArray[][] layers;

    public DenseWeightProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights) {
        this.manager = parent.newSubManager();
        this.weights = weights;
        this.layers = new NDArray[config.numLayers()][Linear.values().length];
    }

    /** A Hugging Face {@code [out, in]} tensor as a contiguous {@code [in, out]} array. */
    static NDArray transposedOnDevice(NDManager manager, Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("tensor '" + t.name() + "': expected a matrix to transpose, got shape "
                    + Arrays.toString(t.shape()));
        }
        return EngineArrays.ownedTransposed(manager, t.data(), t.dim(0), t.dim(1));
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        if (!supports(precision)) {
            throw new IllegalArgumentException("the unquantized model serves only " + Precision.FULL + ", not "
                    + precision + " (layer " + layer + ", " + proj + ")");
        }
        NDArray[] byProj = layers[layer];
        synchronized (byProj) {
            NDArray array = byProj[proj.ordinal()];
            if (array == null) {
                array = transposedOnDevice(manager, weights.apply(proj.weight(layer)));
                // Often first asked for inside a forward step's NDScope; the provider, not the step, owns it.
                NDScope.unregister(array);
                byProj[proj.ordinal()] = array;
            }
            return array;
        }
    }

    /** Closes the dense matrices of block {@code layer} read so far; they are read again if asked for. */
    public void release(int layer) {
        NDArray[] byProj = layers[layer];
        synchronized (byProj) {
            for (int i = 0; i < byProj.length; i++) {
                if (byProj[i] != null) {
                    byProj[i].close();
                    byProj[i] = null;
                }
            }
        }
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
