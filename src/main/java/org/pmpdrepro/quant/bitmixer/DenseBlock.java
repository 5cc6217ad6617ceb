package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RopeTables;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;

/**
 * One block of the full-precision base model on the device, the teacher of block-wise fine-tuning: its seven
 * matrices (transposed, as the graph multiplies by them) and two norm gains, read from the checkpoint when made and
 * freed with its manager. Everything outside block {@code layer} is an error to ask for.
 */
final class DenseBlock implements LlamaWeights, AutoCloseable {

    private final LlamaConfig config;
    private final int layer;
    private final NDManager manager;
    private final Map<Linear, NDArray> linears = new EnumMap<>(Linear.class);
    private final Map<BlockNorm, NDArray> norms = new EnumMap<>(BlockNorm.class);
    private final RopeTables rope;
    /** The final norm and the head, held by {@link #head} only. */
    private final NDArray finalNorm;
    private final NDArray lmHeadTransposed;

    DenseBlock(WeightSource base, int layer, NDManager manager) throws IOException {
        this.config = base.config();
        this.layer = layer;
        this.manager = manager;
        for (Linear proj : Linear.values()) {
            linears.put(proj, create(base.tensor(proj.weight(layer)).transposed()));
        }
        for (BlockNorm n : BlockNorm.values()) {
            norms.put(n, create(base.tensor(n.weightName(layer))));
        }
        this.rope = new RopeTables(manager, config);
        this.finalNorm = null;
        this.lmHeadTransposed = null;
    }

    private DenseBlock(WeightSource base, NDManager manager) throws IOException {
        this.config = base.config();
        this.layer = -1;
        this.manager = manager;
        this.rope = new RopeTables(manager, config);
        this.finalNorm = create(base.tensor(WeightNames.FINAL_NORM));
        this.lmHeadTransposed = create((config.tieWordEmbeddings() ? base.tensor(WeightNames.EMBED)
                : base.tensor(WeightNames.LM_HEAD)).transposed());
    }

    /** The full-precision final norm and head, what turns the stream leaving the last block into logits. */
    static DenseBlock head(WeightSource base, NDManager manager) throws IOException {
        return new DenseBlock(base, manager);
    }

    private NDArray create(Tensor t) {
        return manager.create(t.data(), new Shape(t.dims()));
    }

    private int requireLayer(int l) {
        if (l != layer) {
            throw new IllegalArgumentException("the full-precision block " + layer + " was asked for block " + l);
        }
        return l;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public NDArray embedding() {
        throw new IllegalStateException("a full-precision block holds no embedding");
    }

    @Override
    public NDArray inputNorm(int l) {
        requireLayer(l);
        return norms.get(BlockNorm.INPUT);
    }

    @Override
    public NDArray postAttentionNorm(int l) {
        requireLayer(l);
        return norms.get(BlockNorm.POST_ATTENTION);
    }

    @Override
    public NDArray finalNorm() {
        return held(finalNorm, "final norm");
    }

    @Override
    public NDArray lmHeadTransposed() {
        return held(lmHeadTransposed, "head");
    }

    private static NDArray held(NDArray a, String what) {
        if (a == null) {
            throw new IllegalStateException("a full-precision block holds no " + what);
        }
        return a;
    }

    @Override
    public NDArray linearTransposed(int l, Linear proj, Precision precision) {
        requireLayer(l);
        return linears.get(proj);
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
    public void close() {
        manager.close();
    }
}
