package org.pmpdrepro.quant.haq;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;

/** A tiny random model, random calibration text and a short agent configuration for fast search tests. */
final class TinySearch {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final AgentConfig AGENT = new AgentConfig(16, 1e-4, 1e-3, 0.01, 1.0, 8, 200, 2, 0.5, 0.99, 0.5);

    private TinySearch() {}

    static InMemoryWeights model() {
        return TinyLlamaFactory.randomModel(CONFIG, 21L);
    }

    static List<int[]> calibration() {
        Random random = new Random(5);
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int[] seq = new int[12 + s];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = random.nextInt(CONFIG.vocabSize());
            }
            out.add(seq);
        }
        return out;
    }

    static HaqSearch search(QuantScheme scheme) {
        return new HaqSearch(model(), scheme, calibration(), Device.cpu(), 4);
    }

    /** A search under Any-Precision's bytes at {@code nominal} bits. */
    static SearchConfig config(int nominal, int episodes, long seed) {
        return new SearchConfig("haq-" + nominal, nominal, 1, 8, episodes, seed, AGENT);
    }
}
