package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;

/** What the decoder hands an adaptive plan's session, and that observing never changes what is decoded. */
@Tag("unit")
class ScheduleSessionTest {

    static DjlLlama model;

    @BeforeAll
    static void load() {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(MixedPrecisionDecodingTest.CONFIG, 5L);
        model = DjlLlama.withProvider(MixedPrecisionDecodingTest.CONFIG, weights::get, Device.cpu(),
                MixedPrecisionDecodingTest.TwoPrecisionProvider::new);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Records every observation and switches odd prompts to low precision from step 2. */
    static final class Recorder implements ScheduleSession {
        final Map<Integer, LayerKv> caches = new HashMap<>();
        final Map<Integer, List<Double>> tops = new HashMap<>();
        final List<String> order = new ArrayList<>();

        @Override
        public Precision prefill(int prompt) {
            order.add("prefill " + prompt);
            return Precision.FULL;
        }

        @Override
        public Precision decode(int prompt, int step) {
            order.add("decode " + prompt + " " + step);
            return prompt % 2 == 1 && step >= 2 ? MixedPrecisionDecodingTest.LOW : Precision.FULL;
        }

        @Override
        public boolean observesCache() {
            return true;
        }

        @Override
        public boolean observesConfidence() {
            return true;
        }

        @Override
        public void afterPrefill(int prompt, LayerKv lastLayer) {
            order.add("cache " + prompt);
            caches.put(prompt, lastLayer);
        }

        @Override
        public void afterStep(int prompt, int step, double topProbability) {
            order.add("top " + prompt + " " + step);
            tops.computeIfAbsent(prompt, p -> new ArrayList<>()).add(topProbability);
        }
    }

    static PrecisionPlan planOf(Recorder r) {
        return new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                throw new AssertionError("the decoder must go through the session");
            }

            @Override
            public Precision decode(int prompt, int step) {
                throw new AssertionError("the decoder must go through the session");
            }

            @Override
            public ScheduleSession start() {
                return r;
            }
        };
    }

    static PrecisionPlan staticTwin() {
        return new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                return Precision.FULL;
            }

            @Override
            public Precision decode(int prompt, int step) {
                return prompt % 2 == 1 && step >= 2 ? MixedPrecisionDecodingTest.LOW : Precision.FULL;
            }
        };
    }

    @Test
    void observingCacheAndConfidenceDecodesExactlyAsTheStaticTwin() {
        List<int[]> prompts = MixedPrecisionDecodingTest.prompts();
        DecodeResult observed = new GreedyDecoder(model, 4, 0).generate(prompts, 8, -1, planOf(new Recorder()));
        DecodeResult plain = new GreedyDecoder(model, 4, 0).generate(prompts, 8, -1, staticTwin());
        assertThat(observed.generations()).isEqualTo(plain.generations());
    }

    @Test
    void theCacheHandedOverIsThePromptsOwnLastLayerWithoutPaddingAndEqualsAnUnbatchedPrefill() {
        List<int[]> prompts = MixedPrecisionDecodingTest.prompts();
        Recorder batched = new Recorder();
        new GreedyDecoder(model, 6, 0).generate(prompts, 4, -1, planOf(batched));
        for (int i = 0; i < prompts.size(); i++) {
            Recorder alone = new Recorder();
            new GreedyDecoder(model, 1, 0).generate(List.of(prompts.get(i)), 4, -1, planOf(alone));
            LayerKv b = batched.caches.get(i);
            LayerKv a = alone.caches.get(0);
            assertThat(b.length()).as("prompt %d", i).isEqualTo(prompts.get(i).length);
            assertThat(b.kvHeads()).isEqualTo(MixedPrecisionDecodingTest.CONFIG.numKvHeads());
            assertThat(b.headDim()).isEqualTo(MixedPrecisionDecodingTest.CONFIG.headDim());
            float[] bk = b.keys();
            float[] ak = a.keys();
            float[] bv = b.values();
            float[] av = a.values();
            for (int j = 0; j < bk.length; j++) {
                assertThat(bk[j]).as("prompt %d key %d", i, j).isCloseTo(ak[j], within(1e-5f));
                assertThat(bv[j]).as("prompt %d value %d", i, j).isCloseTo(av[j], within(1e-5f));
            }
        }
    }

    @Test
    void everyPromptIsClassifiedBeforeItsFirstDecodeAndEveryStepReportsItsTopProbability() {
        List<int[]> prompts = MixedPrecisionDecodingTest.prompts();
        Recorder r = new Recorder();
        DecodeResult result = new GreedyDecoder(model, 4, 0).generate(prompts, 6, -1, planOf(r));
        for (int i = 0; i < prompts.size(); i++) {
            int cache = r.order.indexOf("cache " + i);
            assertThat(r.order.indexOf("prefill " + i)).isLessThan(cache);
            assertThat(cache).isLessThan(r.order.indexOf("top " + i + " 0"));
            assertThat(r.order.indexOf("top " + i + " 0")).isLessThan(r.order.indexOf("decode " + i + " 1"));
            assertThat(r.tops.get(i)).hasSize(result.generations().get(i).trace().size())
                    .allSatisfy(p -> assertThat(p).isGreaterThan(0.0).isLessThanOrEqualTo(1.0));
        }
    }

    @Test
    void theReportedTopProbabilityIsTheMaximumSoftmaxOfTheStepsLogits() {
        int[] prompt = MixedPrecisionDecodingTest.prompts().get(2);
        Recorder r = new Recorder();
        Generation g = new GreedyDecoder(model, 1, 0).generate(List.of(prompt), 5, -1, planOf(r)).generations().get(0);
        int[] seq = new int[prompt.length + g.tokens().length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(g.tokens(), 0, seq, prompt.length, g.tokens().length);
        // Prompt 0 never switches (even index), so a full-precision cache-free pass is its reference.
        float[][] logits = model.logits(seq, Precision.FULL);
        for (int step = 0; step < g.tokens().length; step++) {
            float[] z = logits[prompt.length - 1 + step];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : z) {
                sum += Math.exp(v - max);
            }
            assertThat(r.tops.get(0).get(step)).as("step %d", step).isCloseTo(1 / sum, within(1e-4));
        }
    }
}
