package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames;

/**
 * Weights that reach the decoder without the checkpoint's checks (a quantizer's output, weights built in memory)
 * can still turn the logits NaN; the decoder must fail then rather than take NaN's arg-max as a token.
 */
@Tag("unit")
class NonFiniteDecodingTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();
    static final List<int[]> PROMPTS = List.of(new int[] {1, 7, 9, 11}, new int[] {1, 4});

    /** The random tiny model with one value of {@code tensor} replaced. */
    static DjlLlama modelWith(String tensor, int index, float value) {
        Map<String, Tensor> weights = new LinkedHashMap<>(TinyLlamaFactory.randomWeights(CONFIG, 5L));
        Tensor t = weights.get(tensor);
        float[] data = t.data().clone();
        data[index] = value;
        weights.put(tensor, new Tensor(tensor, t.shape(), data));
        return DjlLlama.dense(CONFIG, weights::get, Device.cpu());
    }

    @Test
    @DisplayName("a NaN in the final norm fails the decode instead of emitting token 0 up to the limit")
    void nanFinalNormFailsTheDecode() {
        try (DjlLlama model = modelWith(WeightNames.FINAL_NORM, 3, Float.NaN)) {
            assertThatThrownBy(() -> new GreedyDecoder(model, 2, 0).generate(PROMPTS, 5, CONFIG.eosTokenId(),
                    PrecisionPlan.fixed(Precision.FULL))).isInstanceOf(NonFiniteLogitsException.class)
                    .hasMessageContaining("NaN").hasMessageContaining("logits");
        }
    }

    @Test
    @DisplayName("an infinite query weight fails the decode")
    void infiniteQueryWeightsFailTheDecode() {
        try (DjlLlama model = modelWith(WeightNames.Linear.Q.weight(0), 17, Float.POSITIVE_INFINITY)) {
            assertThatThrownBy(() -> new GreedyDecoder(model, 1, 0).generate(PROMPTS, 5, CONFIG.eosTokenId(),
                    PrecisionPlan.fixed(Precision.FULL))).isInstanceOf(NonFiniteLogitsException.class);
        }
    }
}
