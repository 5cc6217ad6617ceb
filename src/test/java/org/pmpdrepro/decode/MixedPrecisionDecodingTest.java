package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;

/** Rows of one batch at different weight precisions, and the KV cache across precision switches. */
@Tag("unit")
class MixedPrecisionDecodingTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final Precision LOW = Precision.bits(3);
    static DjlLlama model;

    /** Serves the dense weights at full precision and a visibly different copy at {@link #LOW}. */
    static final class TwoPrecisionProvider implements WeightProvider {
        private final DenseWeightProvider dense;
        private final NDManager manager;
        private final List<Map<Linear, NDArray>> low = new ArrayList<>();

        TwoPrecisionProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights) {
            dense = new DenseWeightProvider(parent, config, weights);
            manager = parent.newSubManager();
            for (int l = 0; l < config.numLayers(); l++) {
                Map<Linear, NDArray> byProj = new EnumMap<>(Linear.class);
                for (Linear p : Linear.values()) {
                    NDArray w = dense.linearTransposed(l, p, Precision.FULL);
                    // A crude 3-level rounding stands in for a quantizer: same shape, different values.
                    NDArray scale = w.abs().max().div(1.5f);
                    NDArray q = w.div(scale).round().clip(-1, 1).mul(scale);
                    q.attach(manager);
                    byProj.put(p, q);
                }
                low.add(byProj);
            }
        }

        @Override
        public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
            return precision.equals(LOW) ? low.get(layer).get(proj) : dense.linearTransposed(layer, proj, precision);
        }

        @Override
        public boolean supports(Precision precision) {
            return precision.isFull() || precision.equals(LOW);
        }

        @Override
        public void close() {
            dense.close();
            manager.close();
        }
    }

    @BeforeAll
    static void load() {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 3L);
        model = DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(), TwoPrecisionProvider::new);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<int[]> prompts() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int[] p = new int[4 + 3 * i];
            for (int j = 0; j < p.length; j++) {
                p[j] = 3 + (i * 17 + j * 5) % 60;
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void rowsAtDifferentPrecisionsDecodeAsIfEachWereAlone() {
        List<int[]> prompts = prompts();
        // Odd prompts switch to the low precision from decode step 3 on; even ones never switch.
        PrecisionPlan mixed = new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                return Precision.FULL;
            }

            @Override
            public Precision decode(int prompt, int step) {
                return prompt % 2 == 1 && step >= 3 ? LOW : Precision.FULL;
            }
        };
        DecodeResult together = new GreedyDecoder(model, 6, 0).generate(prompts, 12, -1, mixed);
        for (int i = 0; i < prompts.size(); i++) {
            int index = i;
            PrecisionPlan alone = new PrecisionPlan() {
                @Override
                public Precision prefill(int prompt) {
                    return mixed.prefill(index);
                }

                @Override
                public Precision decode(int prompt, int step) {
                    return mixed.decode(index, step);
                }
            };
            Generation single = new GreedyDecoder(model, 1, 0).generate(List.of(prompts.get(i)), 12, -1, alone)
                    .generations().get(0);
            assertThat(together.generations().get(i).tokens()).as("prompt " + i).containsExactly(single.tokens());
            assertThat(together.generations().get(i).trace()).isEqualTo(single.trace());
        }
        Generation switched = together.generations().get(1);
        assertThat(switched.trace().subList(0, 3)).containsOnly(Precision.FULL);
        assertThat(switched.trace().subList(3, 12)).containsOnly(LOW);
        assertThat(switched.averageDecodeBits()).isEqualTo((2 * 16.0 + 9 * 3.0) / 11);
    }

    @Test
    void plansDecodedTogetherShareTheirPrefillAndDecodeAsIfEachWereAlone() {
        List<int[]> prompts = prompts();
        PrecisionPlan high = PrecisionPlan.fixed(Precision.FULL);
        PrecisionPlan phaseAware = PrecisionPlan.phaseAware(Precision.FULL, LOW);
        PrecisionPlan low = PrecisionPlan.fixed(LOW);
        PrecisionPlan switching = new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                return Precision.FULL;
            }

            @Override
            public Precision decode(int prompt, int step) {
                return step >= 2 + prompt % 3 ? LOW : Precision.FULL;
            }
        };
        List<PrecisionPlan> plans = List.of(high, phaseAware, low, switching);
        List<DecodeResult> together = new GreedyDecoder(model, 4, 0).generate(prompts, 10, -1, plans);
        assertThat(together).hasSize(plans.size());
        for (int p = 0; p < plans.size(); p++) {
            DecodeResult alone = new GreedyDecoder(model, 4, 0).generate(prompts, 10, -1, plans.get(p));
            assertThat(together.get(p).generations()).as("plan " + p).isEqualTo(alone.generations());
            assertThat(together.get(p).profile().promptTokens()).isEqualTo(alone.profile().promptTokens());
        }
        // Three plans prefill at full precision and share it, so each is charged a third of it.
        assertThat(together.get(0).profile().prefillSeconds()).isEqualTo(together.get(1).profile().prefillSeconds());
    }

    @Test
    void theLowPrecisionReallyChangesTheOutput() {
        List<int[]> prompts = prompts();
        DecodeResult high = new GreedyDecoder(model, 6, 0).generate(prompts, 12, -1, PrecisionPlan.fixed(Precision.FULL));
        DecodeResult low = new GreedyDecoder(model, 6, 0).generate(prompts, 12, -1, PrecisionPlan.fixed(LOW));
        assertThat(low.generations()).isNotEqualTo(high.generations());
    }

    @Test
    void aPrecisionSwitchLeavesTheCachedKeysAndValuesUntouchedAndInFloat32() {
        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(CONFIG.numLayers())) {
            long[] ids = {5, 9, 11, 13};
            NDArray prefillIds = m.create(ids, new Shape(1, 4));
            NDArray positions = m.arange(0, 4, 1, DataType.INT64).reshape(1, 4);
            LlamaGraph.hidden(model, prefillIds, positions, null, cache, RowPrecisions.uniform(Precision.FULL, 1));
            float[][] before = new float[CONFIG.numLayers()][];
            for (int l = 0; l < CONFIG.numLayers(); l++) {
                before[l] = cache.keys(l).toFloatArray();
            }
            LlamaGraph.hidden(model, m.create(new long[] {7}, new Shape(1, 1)), m.create(new long[] {4}, new Shape(1, 1)),
                    null, cache, RowPrecisions.uniform(LOW, 1));
            assertThat(cache.length()).isEqualTo(5);
            for (int l = 0; l < CONFIG.numLayers(); l++) {
                assertThat(cache.keys(l).getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(cache.values(l).getDataType()).isEqualTo(DataType.FLOAT32);
                float[] kept = cache.keys(l).get(new NDIndex(":, :, :4, :")).toFloatArray();
                assertThat(kept).as("layer " + l).containsExactly(before[l]);
            }
        }
    }

    @Test
    void theDenseProviderRefusesAQuantizedPrecision() {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 3L);
        try (DjlLlama dense = DjlLlama.dense(CONFIG, weights::get, Device.cpu())) {
            assertThat(dense.provider().supports(LOW)).isFalse();
            assertThatThrownBy(() -> dense.linearTransposed(0, Linear.Q, LOW))
                    .hasMessageContaining("serves only full").hasMessageContaining("3bit");
        }
    }
}
