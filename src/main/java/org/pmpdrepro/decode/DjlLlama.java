package org.pmpdrepro.decode;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;

/**
 * A Llama model resident on one device: embeddings, norms and output head in full precision, linear layers from a
 * {@link WeightProvider}.
 */
public final class DjlLlama implements LlamaWeights, AutoCloseable {

    private final LlamaConfig config;
    private final Device device;
    private final NDManager manager;
    private final NDArray embedding;
    private final NDArray[] inputNorms;
    private final NDArray[] postNorms;
    private final NDArray finalNorm;
    private final NDArray lmHeadT;
    private final RopeTables rope;
    private final WeightProvider provider;
    private final Map<FusedKey, Fused> fused = new HashMap<>();

    private record FusedKey(int layer, Precision precision, List<Linear> projections) {}

    private DjlLlama(LlamaConfig config, Device device, Function<String, Tensor> weights,
            WeightProviderFactory providerFactory) {
        this.config = config;
        this.device = device;
        NativeAllocator.keepFreedMemory();
        this.manager = NDManager.newBaseManager(device);
        this.embedding = create(weights.apply(WeightNames.EMBED));
        this.inputNorms = new NDArray[config.numLayers()];
        this.postNorms = new NDArray[config.numLayers()];
        for (int l = 0; l < config.numLayers(); l++) {
            inputNorms[l] = create(weights.apply(WeightNames.inputNorm(l)));
            postNorms[l] = create(weights.apply(WeightNames.postAttentionNorm(l)));
        }
        this.finalNorm = create(weights.apply(WeightNames.FINAL_NORM));
        Tensor head = config.tieWordEmbeddings()
                ? weights.apply(WeightNames.EMBED)
                : weights.apply(WeightNames.LM_HEAD);
        this.lmHeadT = DenseWeightProvider.transposedOnDevice(manager, head);
        this.rope = new RopeTables(manager, config);
        this.provider = providerFactory.create(manager, config, weights);
    }

    /** Builds the provider of linear weights on the model's device. */
    @FunctionalInterface
    public interface WeightProviderFactory {
        WeightProvider create(NDManager manager, LlamaConfig config, Function<String, Tensor> weights);
    }

    /** The unquantized model on {@code device}. */
    public static DjlLlama dense(LlamaConfig config, Function<String, Tensor> weights, Device device) {
        return new DjlLlama(config, device, weights, DenseWeightProvider::new);
    }

    /** The model on {@code device} with linear weights served by {@code factory}'s provider. */
    public static DjlLlama withProvider(LlamaConfig config, Function<String, Tensor> weights, Device device,
            WeightProviderFactory factory) {
        return new DjlLlama(config, device, weights, factory);
    }

    /** The unquantized model of a checkpoint (or any weight source) on {@code device}. */
    public static DjlLlama dense(WeightSource source, Device device) {
        return dense(source.config(), reading(source), device);
    }

    /** A weight source as the function the constructor reads tensors through. */
    public static Function<String, Tensor> reading(WeightSource source) {
        return name -> {
            try {
                return source.tensor(name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * Logits {@code [time][vocab]} of every position of one token sequence, computed without a cache at
     * {@code precision}: the reference the cached decoder and the oracle are compared with.
     */
    public float[][] logits(int[] tokens, Precision precision) {
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int n = tokens.length;
            long[] ids = new long[n];
            long[] pos = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = tokens[i];
                pos[i] = i;
            }
            NDArray hidden = LlamaGraph.hiddenInference(this, m.create(ids, new Shape(1, n)),
                    m.create(pos, new Shape(1, n)), null, null, RowPrecisions.uniform(precision, 1));
            float[] flat = LlamaGraph.logits(this, hidden).toFloatArray();
            float[][] out = new float[n][config.vocabSize()];
            for (int t = 0; t < n; t++) {
                System.arraycopy(flat, t * config.vocabSize(), out[t], 0, config.vocabSize());
            }
            return out;
        }
    }

    private NDArray create(Tensor t) {
        return manager.create(t.data(), new Shape(t.dims()));
    }

    public Device device() {
        return device;
    }

    public NDManager manager() {
        return manager;
    }

    public WeightProvider provider() {
        return provider;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public NDArray embedding() {
        return embedding;
    }

    @Override
    public NDArray inputNorm(int layer) {
        return inputNorms[layer];
    }

    @Override
    public NDArray postAttentionNorm(int layer) {
        return postNorms[layer];
    }

    @Override
    public NDArray finalNorm() {
        return finalNorm;
    }

    @Override
    public NDArray norm(int layer, BlockNorm norm, Precision precision) {
        return provider.norm(layer, norm, precision, LlamaWeights.super.norm(layer, norm, precision));
    }

    @Override
    public NDArray lmHeadTransposed() {
        return lmHeadT;
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        return provider.linearTransposed(layer, proj, precision);
    }

    /**
     * The provider's matrices side by side: the provider's own array when it builds them ({@link
     * WeightProvider#fusedTransposed}, owned and kept current by the provider), else built here on first use and kept
     * with the model (owned by it). A provider may serve other arrays later (GPTQ's calibration swaps in each block as
     * it is quantized), so an entry built here is rebuilt when any of its parts is no longer the array the provider
     * serves.
     */
    @Override
    public synchronized NDArray fusedTransposed(int layer, Precision precision, Linear... projections) {
        NDArray own = provider.fusedTransposed(layer, precision, projections);
        if (own != null) {
            return own;
        }
        List<NDArray> parts = new ArrayList<>(projections.length);
        for (Linear proj : projections) {
            parts.add(provider.linearTransposed(layer, proj, precision));
        }
        FusedKey key = new FusedKey(layer, precision, List.of(projections));
        Fused cached = fused.get(key);
        if (cached != null && cached.sameParts(parts)) {
            return cached.array();
        }
        NDArray side = NDArrays.concat(new NDList(parts), 1);
        // Built inside a forward step's scope; the model, not the step, owns it.
        NDScope.unregister(side);
        side.attach(manager);
        if (cached != null) {
            cached.array().close();
        }
        fused.put(key, new Fused(parts, side));
        return side;
    }

    /**
     * Closes the fused arrays built for block {@code layer}, at every precision: for a caller that will not run the
     * block again (GPTQ's calibration, which carries its streams past each block once). They are rebuilt if asked for.
     */
    public synchronized void releaseFused(int layer) {
        fused.entrySet().removeIf(e -> {
            if (e.getKey().layer() != layer) {
                return false;
            }
            e.getValue().array().close();
            return true;
        });
    }

    /** A fused array with the parts it was built from (compared by identity). */
    private record Fused(List<NDArray> parts, NDArray array) {
        boolean sameParts(List<NDArray> others) {
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i) != others.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public NDArray ropeCos(long positions) {
        return rope.cos(positions);
    }

    @Override
    public NDArray ropeSin(long positions) {
        return rope.sin(positions);
    }

    @Override
    public synchronized void close() {
        fused.values().forEach(f -> f.array().close());
        fused.clear();
        provider.close();
        manager.close();
    }
}
