package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.pmpdrepro.model.LlamaConfig;

/**
 * Rotary position tables in the Hugging Face "rotate half" layout, {@code [positions, headDim/2]} of cos and sin,
 * built for the positions passes ask for and grown when a longer pass comes, never beyond
 * {@code max_position_embeddings}. A configuration may allow millions of positions; only those used cost memory.
 * Each entry depends only on its position and frequency, so a table's length never changes a value.
 */
public final class RopeTables {

    /** Positions the first table covers at least, so short passes do not regrow it step by step. */
    static final int INITIAL_POSITIONS = 256;

    private final NDManager manager;
    private final LlamaConfig config;
    private NDArray cos;
    private NDArray sin;
    private int positions;

    /** Tables that will live on {@code manager} (and close with it). */
    public RopeTables(NDManager manager, LlamaConfig config) {
        this.manager = manager;
        this.config = config;
    }

    /** Cosines of at least {@code needed} positions (fewer only when the model has fewer). */
    public synchronized NDArray cos(long needed) {
        grow(needed);
        return cos;
    }

    /** Sines of at least {@code needed} positions (fewer only when the model has fewer). */
    public synchronized NDArray sin(long needed) {
        grow(needed);
        return sin;
    }

    /** How many positions the tables hold now. */
    synchronized int positions() {
        return positions;
    }

    private void grow(long needed) {
        if (needed <= positions) {
            return;
        }
        long wanted = Math.max(needed, Math.max(2L * positions, INITIAL_POSITIONS));
        int n = (int) Math.min(wanted, config.maxPositionEmbeddings());
        if (n <= positions) {
            return; // a pass beyond the model's positions fails where it indexes the table, as it always has
        }
        NDArray[] t = tables(manager, config, n);
        // A pass may run inside an NDScope; the tables outlive it. Tables they replace stay on the manager until it
        // closes, since a concurrent pass may still be reading them.
        NDScope.unregister(t);
        cos = t[0];
        sin = t[1];
        positions = n;
    }

    /** {@code [positions, headDim/2]} tables of cos (index 0) and sin (index 1). */
    static NDArray[] tables(NDManager manager, LlamaConfig config, int positions) {
        int half = config.headDim() / 2;
        float[] cos = new float[Math.multiplyExact(positions, half)];
        float[] sin = new float[cos.length];
        for (int i = 0; i < half; i++) {
            // Computed as Hugging Face does: inverse frequency and angle in fp32.
            float invFreq = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim()));
            for (int p = 0; p < positions; p++) {
                float angle = p * invFreq;
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new NDArray[] {
            manager.create(cos, new Shape(positions, half)), manager.create(sin, new Shape(positions, half))
        };
    }
}
