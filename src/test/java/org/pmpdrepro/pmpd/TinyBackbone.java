package org.pmpdrepro.pmpd;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** A random tiny Llama quantized by RTN at 2, 3 and 4 bits: fast enough for every schedule test. */
final class TinyBackbone {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final PrecisionPair PAIR = PrecisionPair.parse("4>2");

    private TinyBackbone() {}

    /**
     * Per-row round-to-nearest at 2, 3 and 4 bits of whichever model a session opens, quantized directly (not
     * through the store): fast, for sessions on the fixture model.
     */
    static Backbone rtnOfAnyModel() {
        return Backbone.of("rtn", inputs -> RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(inputs.model().checkpoint(),
                QuantizationInputs.none()));
    }

    static Map<String, Tensor> weights() {
        return TinyLlamaFactory.randomWeights(CONFIG, 11L);
    }

    static QuantizedModel quantize(Map<String, Tensor> weights) {
        try {
            return RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(new InMemoryWeights(CONFIG, weights),
                    QuantizationInputs.none());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DjlLlama load(Map<String, Tensor> weights, QuantizedModel q) {
        return DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
    }

    static List<int[]> prompts() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] p = new int[3 + 2 * i];
            for (int j = 0; j < p.length; j++) {
                p[j] = 3 + (i * 13 + j * 7) % 60;
            }
            out.add(p);
        }
        return out;
    }
}
