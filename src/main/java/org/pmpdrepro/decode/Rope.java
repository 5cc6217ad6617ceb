package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.pmpdrepro.model.LlamaConfig;

/** Rotary position tables in the Hugging Face "rotate half" layout. */
public final class Rope {

    /** {@code [positions, headDim/2]} tables of cos (index 0) and sin (index 1). */
    public static NDArray[] tables(NDManager manager, LlamaConfig config, int positions) {
        int half = config.headDim() / 2;
        float[] cos = new float[positions * half];
        float[] sin = new float[positions * half];
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

    private Rope() {}
}
