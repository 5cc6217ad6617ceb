package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RopeTables;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.train.AdamW;

/**
 * The fine-tuned parameters served to the shared forward graph: every linear weight is the fake-quantized latent
 * weight at the bit-width the current step assigns to it, every block norm the gain kept for that width.
 * Embeddings and the final norm are the base model's, frozen. Latent weights are held transposed ({@code [in, out]})
 * and steps as {@code [1, out]}, the layout the graph multiplies by.
 */
final class TrainableBitMixer implements LlamaWeights, AdamW.Parameters, AutoCloseable {

    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray embedding;
    private final NDArray finalNorm;
    private final NDArray lmHeadTransposed;
    private final RopeTables rope;
    /** Trainable arrays by {@link BitMixerWeights} name, in its fixed order (optimizer and checkpoints rely on it). */
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private Map<LinearId, Integer> assignment;

    TrainableBitMixer(WeightSource base, BitMixerWeights start, NDManager manager) throws IOException {
        this.config = base.config();
        if (!start.config().equals(config)) {
            throw new IllegalArgumentException("bit-mixer weights are for " + start.config() + "; the base model is "
                    + config);
        }
        this.manager = manager;
        this.embedding = create(base.tensor(WeightNames.EMBED));
        this.finalNorm = create(base.tensor(WeightNames.FINAL_NORM));
        this.lmHeadTransposed = config.tieWordEmbeddings()
                ? embedding.transpose()
                : create(base.tensor(WeightNames.LM_HEAD).transposed());
        this.rope = new RopeTables(manager, config);
        for (Map.Entry<String, Tensor> e : start.tensors().entrySet()) {
            put(e.getKey(), held(e.getKey(), e.getValue()));
        }
    }

    /**
     * The parameters of one block only ({@link BitMixerWeights#initialBlock}'s tensors, or that block's share of
     * fine-tuned weights), for block-wise fine-tuning through {@link LlamaGraph#block}: embeddings, final norm and
     * head are not held, and asking for them is an error.
     */
    private TrainableBitMixer(LlamaConfig config, Map<String, Tensor> block, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.embedding = null;
        this.finalNorm = null;
        this.lmHeadTransposed = null;
        this.rope = new RopeTables(manager, config);
        for (Map.Entry<String, Tensor> e : block.entrySet()) {
            put(e.getKey(), held(e.getKey(), e.getValue()));
        }
    }

    static TrainableBitMixer block(LlamaConfig config, Map<String, Tensor> block, NDManager manager) {
        return new TrainableBitMixer(config, block, manager);
    }

    /** A tensor in the layout held here. */
    private Tensor held(String name, Tensor t) {
        if (t.rank() == 2) {
            return t.transposed();
        }
        return name.contains(".step.") ? new Tensor(name, new int[] {1, t.dim(0)}, t.data()) : t;
    }

    private NDArray create(Tensor t) {
        return manager.create(t.data(), new Shape(t.dims()));
    }

    private void put(String name, Tensor t) {
        NDArray a = create(t);
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    /** Sets the bit-width of every matrix for the next forward pass. */
    void assign(Map<LinearId, Integer> bits) {
        this.assignment = Map.copyOf(bits);
    }

    /** Names of the parameters the current assignment reads: every latent weight, the assigned steps and gains. */
    Set<String> active() {
        Set<String> out = new HashSet<>();
        for (LinearId id : LinearId.all(config)) {
            out.add(id.weightName());
            out.add(BitMixerWeights.stepName(id, bits(id)));
        }
        for (int l = 0; l < config.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                out.add(normName(l, n));
            }
        }
        // A block's parameters (block-wise fine-tuning): the active ones among them.
        out.retainAll(params.keySet());
        return out;
    }

    /** The gain the current assignment selects: from the width of the norm's writer to the width it feeds. */
    private String normName(int layer, BlockNorm norm) {
        int to = bits(new LinearId(layer, norm.follows()));
        int from = LinearId.writtenBefore(layer, norm).map(this::bits).orElse(to);
        return BitMixerWeights.normName(layer, norm, from, to);
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(params.keySet());
    }

    @Override
    public List<NDArray> arrays() {
        return new ArrayList<>(params.values());
    }

    /** The smallest step a row keeps after an update (an LSQ step has no lower bound of its own). */
    static final float MIN_STEP = 1e-6f;

    /** Replaces a parameter after an optimizer step or on resuming (the old array is closed). */
    @Override
    public void replace(String name, NDArray updated) {
        NDArray old = params.get(name);
        if (old == null) {
            throw new IllegalArgumentException("no bit-mixer parameter '" + name + "'");
        }
        if (!old.getShape().equals(updated.getShape())) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + old.getShape()
                    + "; the replacement has " + updated.getShape());
        }
        if (name.contains(".step.")) {
            // A row's step must stay positive (BitMixerLinear refuses the weights otherwise): an update that would
            // carry it to or below zero leaves it at MIN_STEP, which quantizes the row to (almost) zero, as the
            // shrinking step was driving it to.
            NDArray floored = updated.maximum(MIN_STEP);
            // Made inside the optimizer's scope, like the update itself: kept past it.
            NDScope.unregister(floored);
            updated.close();
            updated = floored;
        }
        updated.attach(manager);
        updated.setRequiresGradient(true);
        params.put(name, updated);
        if (old != updated) {
            old.close();
        }
    }

    /** The current parameters in {@link BitMixerWeights}' layout. */
    BitMixerWeights export(SortedSet<Integer> bitWidths) {
        return new BitMixerWeights(config, bitWidths, exportTensors());
    }

    /** The current parameters as {@link BitMixerWeights} names and lays them out, in the order held. */
    Map<String, Tensor> exportTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray a = e.getValue();
            long[] s = a.getShape().getShape();
            float[] data = a.toFloatArray();
            Tensor t = switch (s.length) {
                case 2 -> name.contains(".step.")
                        ? new Tensor(name, new int[] {(int) s[1]}, data)
                        : new Tensor(name, new int[] {(int) s[0], (int) s[1]}, data).transposed();
                default -> new Tensor(name, new int[] {(int) s[0]}, data);
            };
            out.put(name, t);
        }
        return out;
    }

    private int bits(LinearId id) {
        Integer b = assignment == null ? null : assignment.get(id);
        if (b == null) {
            throw new IllegalStateException("no bit-width assigned to " + id + " for this step");
        }
        return b;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public NDArray embedding() {
        return wholeModel(embedding);
    }

    @Override
    public NDArray inputNorm(int layer) {
        return norm(layer, BlockNorm.INPUT, null);
    }

    @Override
    public NDArray postAttentionNorm(int layer) {
        return norm(layer, BlockNorm.POST_ATTENTION, null);
    }

    /** The gain kept for the width transition at this norm; the precision argument is not consulted. */
    @Override
    public NDArray norm(int layer, BlockNorm norm, Precision precision) {
        return params.get(normName(layer, norm));
    }

    @Override
    public NDArray finalNorm() {
        return wholeModel(finalNorm);
    }

    @Override
    public NDArray lmHeadTransposed() {
        return wholeModel(lmHeadTransposed);
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        LinearId id = new LinearId(layer, proj);
        int b = bits(id);
        NDArray latent = params.get(id.weightName());
        float scale = LsqGrid.gradientScale((int) latent.getShape().get(0), b);
        return LsqGrid.fakeQuantize(latent, params.get(BitMixerWeights.stepName(id, b)), b, scale);
    }

    @Override
    public NDArray ropeCos(long positions) {
        return rope.cos(positions);
    }

    @Override
    public NDArray ropeSin(long positions) {
        return rope.sin(positions);
    }

    private NDArray wholeModel(NDArray a) {
        if (a == null) {
            throw new IllegalStateException("bit-mixer: one block's parameters hold no embedding, final norm or head");
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
