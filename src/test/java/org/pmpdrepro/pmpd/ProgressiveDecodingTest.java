package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.KvCache;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.decode.ScheduleSession;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.QuantizedModel;

/** PMPD's one-switch schedule against the fixed precisions it interpolates, and the full-precision KV cache. */
@Tag("unit")
class ProgressiveDecodingTest {

    static final int N = 10;
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

    static DecodeResult decode(PrecisionPlan plan) {
        return new GreedyDecoder(model, 3, 0).generate(TinyBackbone.prompts(), N, -1, plan);
    }

    @Test
    void switchPointNDecodesTokenIdenticallyToFixedHighPrecision() {
        PrecisionPair pair = TinyBackbone.PAIR;
        DecodeResult pmpd = decode(ProgressivePlan.uniform(pair, N));
        DecodeResult high = decode(PrecisionPlan.fixed(pair.high()));
        assertThat(pmpd.generations()).isEqualTo(high.generations());
        assertThat(pmpd.averageBits()).isEqualTo(4.0);
    }

    @Test
    void switchPointZeroDecodesTokenIdenticallyToFixedLowPrecisionAfterAHighPrefill() {
        PrecisionPair pair = TinyBackbone.PAIR;
        DecodeResult pmpd = decode(ProgressivePlan.uniform(pair, 0));
        DecodeResult low = decode(PrecisionPlan.phaseAware(pair.high(), pair.low()));
        assertThat(pmpd.generations()).isEqualTo(low.generations());
        assertThat(pmpd.averageBits()).isEqualTo(2.0);
        // The low precision is really different here, so the identities above are not vacuous.
        assertThat(decode(PrecisionPlan.fixed(pair.high())).generations()).isNotEqualTo(pmpd.generations());
    }

    @Test
    void aSwitchPointInTheMiddleRunsExactlyItsFirstStepsHigh() {
        PrecisionPair pair = TinyBackbone.PAIR;
        for (Generation g : decode(ProgressivePlan.uniform(pair, 4)).generations()) {
            assertThat(g.trace()).hasSize(N);
            assertThat(g.trace().subList(0, 5)).containsOnly(pair.high());
            assertThat(g.trace().subList(5, N)).containsOnly(pair.low());
            assertThat(g.averageDecodeBits()).isEqualTo((4 * 4.0 + 5 * 2.0) / 9);
        }
    }

    @Test
    void theCacheAPmpdDecodeReadsIsTheFullPrecisionCacheOfAFullPrecisionPrefill() {
        PrecisionPair pair = new PrecisionPair(Precision.FULL, Precision.bits(2));
        int[] prompt = TinyBackbone.prompts().get(3);
        Map<Integer, LayerKv> seen = new HashMap<>();
        PrecisionPlan plan = ProgressivePlan.uniform(pair, 2);
        PrecisionPlan observing = new PrecisionPlan() {
            @Override
            public Precision prefill(int p) {
                return plan.prefill(p);
            }

            @Override
            public Precision decode(int p, int step) {
                return plan.decode(p, step);
            }

            @Override
            public ScheduleSession start() {
                return new ScheduleSession() {
                    @Override
                    public Precision prefill(int p) {
                        return plan.prefill(p);
                    }

                    @Override
                    public Precision decode(int p, int step) {
                        return plan.decode(p, step);
                    }

                    @Override
                    public boolean observesCache() {
                        return true;
                    }

                    @Override
                    public void afterPrefill(int p, LayerKv kv) {
                        seen.put(p, kv);
                    }
                };
            }
        };
        new GreedyDecoder(model, 1, 0).generate(List.of(prompt), N, -1, observing);
        int last = TinyBackbone.CONFIG.numLayers() - 1;
        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(TinyBackbone.CONFIG.numLayers())) {
            long[] ids = new long[prompt.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = prompt[i];
            }
            NDArray positions = m.arange(0, prompt.length, 1, DataType.INT64).reshape(1, prompt.length);
            LlamaGraph.hidden(model, m.create(ids, new Shape(1, prompt.length)), positions, null, cache,
                    RowPrecisions.uniform(Precision.FULL, 1));
            assertThat(cache.keys(last).getDataType()).isEqualTo(DataType.FLOAT32);
            float[] k = cache.keys(last).toFloatArray();
            float[] v = cache.values(last).toFloatArray();
            LayerKv got = seen.get(0);
            for (int i = 0; i < k.length; i++) {
                assertThat(got.keys()[i]).isCloseTo(k[i], within(1e-6f));
                assertThat(got.values()[i]).isCloseTo(v[i], within(1e-6f));
            }
        }
    }

    @Test
    void theCacheOfAQuantizedPrefillHoldsUnroundedActivationsNotALowBitGrid() {
        Map<Integer, LayerKv> seen = new HashMap<>();
        PrecisionPlan plan = ProgressivePlan.uniform(TinyBackbone.PAIR, 0);
        new GreedyDecoder(model, 4, 0).generate(TinyBackbone.prompts(), N, -1, new PrecisionPlan() {
            @Override
            public Precision prefill(int p) {
                return plan.prefill(p);
            }

            @Override
            public Precision decode(int p, int step) {
                return plan.decode(p, step);
            }

            @Override
            public ScheduleSession start() {
                return new ScheduleSession() {
                    @Override
                    public Precision prefill(int p) {
                        return plan.prefill(p);
                    }

                    @Override
                    public Precision decode(int p, int step) {
                        return plan.decode(p, step);
                    }

                    @Override
                    public boolean observesCache() {
                        return true;
                    }

                    @Override
                    public void afterPrefill(int p, LayerKv kv) {
                        seen.put(p, kv);
                    }
                };
            }
        });
        LayerKv kv = seen.get(7);
        Set<Float> distinct = new HashSet<>();
        for (float f : kv.values()) {
            distinct.add(f);
        }
        // A 4-bit grid would allow at most 16 levels per row; the activations take far more values.
        assertThat(distinct.size()).isGreaterThan(kv.length() * kv.headDim() / 2);
    }
}
