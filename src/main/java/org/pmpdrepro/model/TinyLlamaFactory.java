package org.pmpdrepro.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic random Llama models for tests: the same configuration and seed give bit-identical weights
 * on every JVM ({@link Random}'s sequence and Gaussian method are fixed by its specification).
 *
 * <p>Scales are chosen so activations stay of order one and the logits are well spread, which keeps
 * arg-max decisions far from ties: embeddings N(0, 1), linear weights N(0, 1/in), norm weights
 * 1 + N(0, 0.1^2).
 */
public final class TinyLlamaFactory {

    private TinyLlamaFactory() {}

    /** vocab 50, hidden 16, intermediate 32, 2 layers, 4 heads over 2 key/value heads, untied head. */
    public static LlamaConfig tinyConfig() {
        return new LlamaConfig(50, 16, 32, 2, 4, 2, 256, 1e-5, 10000.0, false, 1, 2);
    }

    /**
     * About 4.5M parameters: vocab 512, hidden 256, intermediate 688, 6 layers, 8 heads over 4 key/value
     * heads, tied embeddings; big enough to exercise a decoder, small enough for the oracle.
     */
    public static LlamaConfig smallConfig() {
        return new LlamaConfig(512, 256, 688, 6, 8, 4, 1024, 1e-5, 10000.0, true, 1, 2);
    }

    /** Random weights for every tensor {@code config} needs, in {@link LlamaWeightLayout} order. */
    public static Map<String, Tensor> randomWeights(LlamaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (LlamaWeightLayout.Expected e : LlamaWeightLayout.expected(config)) {
            int[] shape = e.shape();
            float[] data = new float[Math.toIntExact(TensorInfo.elementCount(shape))];
            if (shape.length == 1) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (1.0 + 0.1 * random.nextGaussian());
                }
            } else {
                double std = e.name().equals(WeightNames.EMBED) ? 1.0 : 1.0 / Math.sqrt(shape[1]);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (std * random.nextGaussian());
                }
            }
            out.put(e.name(), new Tensor(e.name(), shape, data));
        }
        return out;
    }

    /** {@link #randomWeights} as a {@link WeightSource}. */
    public static InMemoryWeights randomModel(LlamaConfig config, long seed) {
        return new InMemoryWeights(config, randomWeights(config, seed), "random model (seed " + seed + ")");
    }
}
