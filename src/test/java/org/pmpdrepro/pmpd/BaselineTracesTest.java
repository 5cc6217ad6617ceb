package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.QuantizedModel;

/** Every scheduler's precision traces are what it claims, decoded on a tiny RTN model. */
@Tag("unit")
class BaselineTracesTest {

    static final int N = 12;
    static final PrecisionPair PAIR = TinyBackbone.PAIR;
    static Map<String, Tensor> weights;
    static QuantizedModel quantized;
    static DjlLlama model;

    @BeforeAll
    static void load() {
        weights = TinyBackbone.weights();
        quantized = TinyBackbone.quantize(weights);
        model = TinyBackbone.load(weights, quantized);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<Generation> decode(Scheduler s) {
        DecodeResult r = new GreedyDecoder(model, 3, 0).generate(TinyBackbone.prompts(), N, -1, s.plan(N));
        return r.generations();
    }

    @Test
    void noneHighRunsEveryPassAtTheHighPrecision() {
        assertThat(decode(FixedScheduler.noneHigh(PAIR))).allSatisfy(g -> assertThat(g.trace()).containsOnly(PAIR.high()));
    }

    @Test
    void noneLowRunsEveryPassPrefillIncludedAtTheLowPrecision() {
        assertThat(decode(FixedScheduler.noneLow(PAIR))).allSatisfy(g -> assertThat(g.trace()).containsOnly(PAIR.low()));
    }

    @Test
    void phaseAwareOnlyPrefillsHighAndDecodesLow() {
        assertThat(decode(FixedScheduler.phaseAwareOnly(PAIR))).allSatisfy(g -> {
            assertThat(g.trace().get(0)).isEqualTo(PAIR.high());
            assertThat(g.trace().subList(1, g.trace().size())).containsOnly(PAIR.low());
        });
    }

    @Test
    void noneMatchedPrefillsHighAndDecodesAtTheMatchedPrecisionOnly() {
        MatchedPrecision m = MatchedPrecision.nearest(quantized, 2.6);
        assertThat(m.precision()).isEqualTo(Precision.bits(3));
        assertThat(m.kind()).isEqualTo("uniform");
        assertThat(decode(FixedScheduler.noneMatched(PAIR, m))).allSatisfy(g -> {
            assertThat(g.trace().get(0)).isEqualTo(PAIR.high());
            assertThat(g.trace().subList(1, g.trace().size())).containsOnly(Precision.bits(3));
        });
    }

    @Test
    void aMatchedMixPrefillsHighAndDecodesEveryStepAtTheMixOnly() {
        java.util.List<MatchedMix.Unit> units = new java.util.ArrayList<>();
        java.util.List<org.pmpdrepro.quant.LinearId> all = org.pmpdrepro.quant.LinearId.all(TinyBackbone.CONFIG);
        for (int i = 0; i < all.size(); i++) {
            units.add(new MatchedMix.Unit(List.of(all.get(i)), org.pmpdrepro.quant.BitPolicy.parameters(
                    TinyBackbone.CONFIG, all.get(i).proj()), all.size() - i, i));
        }
        MatchedMix.Result mix = MatchedMix.match(TinyBackbone.CONFIG, units, 4, 2, 3.1);
        FixedScheduler matched = FixedScheduler.matched("matched-static", PAIR, mix, TinyBackbone.CONFIG);
        assertThat(matched.name()).isEqualTo("matched-static");
        assertThat(matched.parameters()).containsEntry("decode", mix.policy().name());
        assertThat(decode(matched)).allSatisfy(g -> {
            assertThat(g.trace().get(0)).isEqualTo(PAIR.high());
            assertThat(g.trace().subList(1, g.trace().size())).containsOnly(mix.precision(TinyBackbone.CONFIG));
            assertThat(g.averageDecodeBits()).isEqualTo(mix.averageBits());
        });
    }

    @Test
    void theStaticSchedulerSwitchesOnceAfterItsSwitchPoint() {
        assertThat(decode(new StaticScheduler(PAIR, 5, "test"))).allSatisfy(g -> {
            assertThat(g.trace().subList(0, 6)).containsOnly(PAIR.high());
            assertThat(g.trace().subList(6, N)).containsOnly(PAIR.low());
        });
    }

    @Test
    void randomSchedulersFollowEachPromptsDrawnClassAndTheUniformOneDrawsSeveralClasses() {
        RandomScheduler uniform = RandomScheduler.uniform(PAIR, 3L);
        List<Generation> gens = decode(uniform);
        java.util.Set<Integer> classes = new java.util.HashSet<>();
        for (int i = 0; i < gens.size(); i++) {
            int s = SwitchPoints.ofClass(uniform.classOf(i), N);
            classes.add(uniform.classOf(i));
            assertThat(gens.get(i).trace()).isEqualTo(expected(s));
        }
        assertThat(classes.size()).isGreaterThan(1);
        RandomScheduler prior = RandomScheduler.labelPrior(PAIR, new int[] {0, 5, 0, 0}, 3L);
        assertThat(decode(prior)).allSatisfy(g -> assertThat(g.trace()).isEqualTo(expected(N / 3)));
    }

    @Test
    void theConfidenceSchedulerStaysHighForItsWarmupAndSwitchesAtMostOnce() {
        assertThat(decode(new ConfidenceScheduler(PAIR, 4, 0.0))).allSatisfy(g -> {
            assertThat(g.trace().subList(0, 5)).containsOnly(PAIR.high());
            int firstLow = g.trace().indexOf(PAIR.low());
            if (firstLow >= 0) {
                assertThat(g.trace().subList(firstLow, g.trace().size())).containsOnly(PAIR.low());
            }
        });
    }

    @Test
    void theLearnedSchedulerFollowsTheClassifiersClassOfEachPromptsCache() {
        SwitchClassifier c = SwitchClassifier.initial(new SwitchClassifier.Layout(2, 2,
                TinyBackbone.CONFIG.headDim()), 5L);
        LearnedScheduler learned = new LearnedScheduler(PAIR, c, "test");
        List<Generation> gens = decode(learned);
        // The features the classifier saw: the same high-precision prefill's last layer.
        Map<Integer, LayerKv> caches = new java.util.HashMap<>();
        PrecisionPlan high = PrecisionPlan.fixed(PAIR.high());
        new GreedyDecoder(model, 3, 0).generate(TinyBackbone.prompts(), 1, -1, new PrecisionPlan() {
            @Override
            public Precision prefill(int p) {
                return high.prefill(p);
            }

            @Override
            public Precision decode(int p, int step) {
                return high.decode(p, step);
            }

            @Override
            public ScheduleSession start() {
                return new ScheduleSession() {
                    @Override
                    public Precision prefill(int p) {
                        return PAIR.high();
                    }

                    @Override
                    public Precision decode(int p, int step) {
                        return PAIR.high();
                    }

                    @Override
                    public boolean observesCache() {
                        return true;
                    }

                    @Override
                    public void afterPrefill(int p, LayerKv kv) {
                        caches.put(p, kv);
                    }
                };
            }
        });
        for (int i = 0; i < gens.size(); i++) {
            int s = SwitchPoints.ofClass(c.predict(CacheFeatures.of(caches.get(i))), N);
            assertThat(gens.get(i).trace()).as("prompt %d", i).isEqualTo(expected(s));
        }
    }

    static List<Precision> expected(int s) {
        Precision[] p = new Precision[N];
        for (int i = 0; i < N; i++) {
            p[i] = i <= s ? PAIR.high() : PAIR.low();
        }
        return List.of(p);
    }
}
