package org.pmpdrepro.quant.bitmixer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;

/** A tiny random Llama and Bit-Mixer weights for it, for tests that need no trained model. */
final class TinyBitMixer {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, true, 1, 2);
    static final SortedSet<Integer> WIDTHS = new TreeSet<>(List.of(2, 3, 4));

    private TinyBitMixer() {}

    static Map<String, Tensor> baseWeights() {
        return TinyLlamaFactory.randomWeights(CONFIG, 11L);
    }

    static InMemoryWeights base() {
        return new InMemoryWeights(CONFIG, baseWeights());
    }

    /**
     * The starting Bit-Mixer weights with each width's norm gains made distinct ({@code gain * (1 + 0.1 * bits)}),
     * so that a test can tell which width's gain was served.
     */
    static BitMixerWeights distinctNorms() throws IOException {
        BitMixerWeights start = BitMixerWeights.initial(base(), WIDTHS);
        Map<String, Tensor> tensors = new LinkedHashMap<>(start.tensors());
        for (int l = 0; l < CONFIG.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int b : WIDTHS) {
                    String name = BitMixerWeights.normName(l, n, b);
                    float[] g = tensors.get(name).data().clone();
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= 1 + 0.1f * b;
                    }
                    tensors.put(name, new Tensor(name, new int[] {g.length}, g));
                }
            }
        }
        return new BitMixerWeights(CONFIG, WIDTHS, tensors);
    }

    /** Random token documents of 10..40 tokens over the tiny vocabulary. */
    static List<int[]> documents(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            int[] doc = new int[10 + rng.nextInt(31)];
            doc[0] = CONFIG.bosTokenId();
            for (int i = 1; i < doc.length; i++) {
                // A skewed, partly predictable stream: the next token often repeats a small pattern.
                doc[i] = rng.nextInt(4) == 0 ? 3 + rng.nextInt(60) : 3 + (doc[i - 1] * 7) % 20;
            }
            out.add(doc);
        }
        return out;
    }
}
