package org.pmpdrepro.quant.bitmixer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.store.StoredQuantization;

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
     * The starting Bit-Mixer weights with each width transition's norm gains made distinct
     * ({@code gain * (1 + 0.1 * to + 0.01 * from)}), so that a test can tell which transition's gain was served.
     */
    static BitMixerWeights distinctNorms() throws IOException {
        BitMixerWeights start = BitMixerWeights.initial(base(), WIDTHS);
        Map<String, Tensor> tensors = new LinkedHashMap<>(start.tensors());
        for (int l = 0; l < CONFIG.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int[] t : BitMixerWeights.transitions(l, n, WIDTHS)) {
                    String name = BitMixerWeights.normName(l, n, t[0], t[1]);
                    float[] g = tensors.get(name).data().clone();
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= 1 + 0.1f * t[1] + 0.01f * t[0];
                    }
                    tensors.put(name, new Tensor(name, new int[] {g.length}, g));
                }
            }
        }
        return new BitMixerWeights(CONFIG, WIDTHS, tensors);
    }

    /**
     * {@code model} serving {@code policy} (and nothing else) as its named policy, through the codec's stored form;
     * on this tiny model Any-Precision's tables are so large that the byte-budget policies are uniform, so tests of
     * mixed serving name their own mixes.
     */
    static BitMixerModel withPolicy(BitMixerModel model, BitPolicy policy) {
        BitMixerCodec codec = new BitMixerCodec();
        StoredQuantization stored = codec.encode(model);
        java.util.SortedMap<String, String> params = new TreeMap<>();
        stored.parameters().forEach((k, v) -> {
            if (!k.startsWith("policy.")) {
                params.put(k, v);
            }
        });
        params.put("policy." + policy.name(), String.join(",", LinearId.all(CONFIG).stream()
                .map(id -> String.valueOf(policy.bitsFor(id))).toList()));
        return (BitMixerModel) codec.decode(CONFIG, new StoredQuantization(
                stored.method(), params, stored.tensors()));
    }

    /**
     * A mixed policy named {@code name}: block 0 entirely at {@code lo}; in block 1 q/k/v and o at {@code lo}, gate/up
     * and down at {@code hi}, so block 1's post-attention norm (written by o, feeding gate/up) sits on a
     * {@code lo -> hi} transition and its input norm (written by block 0's down, feeding q/k/v) on {@code lo -> lo}.
     */
    static BitPolicy mixed(String name, int lo, int hi) {
        Map<LinearId, Integer> bits = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(CONFIG)) {
            boolean high = id.layer() == 1 && (MatrixGroup.of(id.proj()) == MatrixGroup.GATE_UP
                    || MatrixGroup.of(id.proj()) == MatrixGroup.DOWN);
            bits.put(id, high ? hi : lo);
        }
        return BitPolicy.of(name, bits);
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
