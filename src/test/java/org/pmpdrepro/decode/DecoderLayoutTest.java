package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * How the decoder lays out its work (prefill groups, the preallocated cache, fused projections) changes its speed,
 * never its tokens.
 */
@Tag("unit")
class DecoderLayoutTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.smallConfig();
    static InMemoryWeights weights;
    static DjlLlama model;

    @BeforeAll
    static void load() {
        weights = TinyLlamaFactory.randomModel(CONFIG, 23L);
        model = DjlLlama.dense(weights, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void prefillingEachPromptAloneOrTheWholeBatchAtOnceGivesTheSameTokens() {
        List<int[]> prompts = DjlLlamaOracleTest.prompts(9, 5L);
        PrecisionPlan full = PrecisionPlan.fixed(Precision.FULL);
        DecodeResult alone = new GreedyDecoder(model, 9, 0, 1).generate(prompts, 12, CONFIG.eosTokenId(), full);
        DecodeResult together = new GreedyDecoder(model, 9, 0, 1 << 20).generate(prompts, 12, CONFIG.eosTokenId(),
                full);
        DecodeResult grouped = new GreedyDecoder(model, 9, 0, 64).generate(prompts, 12, CONFIG.eosTokenId(), full);
        assertThat(together.generations()).isEqualTo(alone.generations());
        assertThat(grouped.generations()).isEqualTo(alone.generations());
    }

    @Test
    void theProfileCountsPromptTokensPaddingAndDecodeRows() {
        List<int[]> prompts = List.of(new int[] {5, 6, 7}, new int[] {8, 9, 10, 11, 12});
        DecodeResult r = new GreedyDecoder(model, 2, 0, 1 << 20).generate(prompts, 4, -1,
                PrecisionPlan.fixed(Precision.FULL));
        DecodeProfile p = r.profile();
        assertThat(p.promptTokens()).isEqualTo(8);
        // One group of two rows padded to the longer prompt.
        assertThat(p.paddedPromptTokens()).isEqualTo(10);
        // Four tokens each without an end-of-sequence token: the prefill makes one, three decode steps the rest.
        assertThat(p.decodeSteps()).isEqualTo(3);
        assertThat(p.decodeRows()).isEqualTo(6);
        assertThat(p.prefillSeconds()).isPositive();
        assertThat(p.decodeSeconds()).isPositive();
        assertThat(p.prefillSeconds() + p.decodeSeconds()).isLessThanOrEqualTo(r.seconds());
    }

    @Test
    void aPreallocatedCacheHoldsWhatAGrowingCacheHolds() {
        try (NDManager m = NDManager.newBaseManager();
                KvCache growing = new KvCache(1);
                KvCache fixed = KvCache.preallocated(m, 1, 2, 1, 6, 2)) {
            NDArray first = m.arange(0f, 12f).reshape(2, 1, 3, 2);
            NDArray second = m.arange(100f, 104f).reshape(2, 1, 1, 2);
            growing.append(0, first.duplicate(), first.neg());
            growing.append(0, second.duplicate(), second.neg());
            fixed.append(0, first, first.neg());
            NDArray[] kv = fixed.append(0, second, second.neg());
            assertThat(fixed.length()).isEqualTo(4);
            assertThat(kv[0].getShape()).isEqualTo(new Shape(2, 1, 4, 2));
            assertThat(kv[0].toFloatArray()).containsExactly(growing.keys(0).toFloatArray());
            assertThat(fixed.values(0).toFloatArray()).containsExactly(growing.values(0).toFloatArray());
            assertThatThrownBy(() -> fixed.append(0, first, first.neg())).hasMessageContaining("cannot take 3 more");
        }
    }

    @Test
    void aPlacedPrefillSitsRightAlignedAtTheBatchWidth() {
        try (NDManager m = NDManager.newBaseManager();
                KvCache batch = KvCache.preallocated(m, 1, 3, 1, 5, 1);
                KvCache part = new KvCache(1)) {
            NDArray k = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 1, 2, 1));
            part.append(0, k, k.neg());
            batch.fill(4);
            batch.place(1, part);
            // Rows 1 and 2 get the part's two positions at 2..3; row 0 and the earlier positions stay zero.
            assertThat(batch.keys(0).toFloatArray()).containsExactly(0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4);
            assertThat(batch.values(0).toFloatArray()).containsExactly(0, 0, 0, 0, 0, 0, -1, -2, 0, 0, -3, -4);
        }
    }

    @Test
    void aFusedWeightFollowsTheProviderWhenItServesANewArray() {
        Map<String, Tensor> w = TinyLlamaFactory.randomWeights(CONFIG, 29L);
        NDArray[] swapped = new NDArray[1];
        try (DjlLlama m = DjlLlama.withProvider(CONFIG, w::get, Device.cpu(), (mgr, c, weights) -> {
            DenseWeightProvider dense = new DenseWeightProvider(mgr, c, weights);
            return new WeightProvider() {
                @Override
                public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
                    return layer == 0 && proj == Linear.K && swapped[0] != null ? swapped[0]
                            : dense.linearTransposed(layer, proj, precision);
                }

                @Override
                public boolean supports(Precision precision) {
                    return precision.isFull();
                }

                @Override
                public void close() {
                    dense.close();
                }
            };
        })) {
            NDArray before = m.fusedTransposed(0, Precision.FULL, Linear.Q, Linear.K, Linear.V);
            assertThat(m.fusedTransposed(0, Precision.FULL, Linear.Q, Linear.K, Linear.V)).isSameAs(before);
            long q = m.linearTransposed(0, Linear.Q, Precision.FULL).getShape().get(1);
            float[] queries = before.get(new NDIndex(":, :{}", q)).toFloatArray();
            swapped[0] = m.linearTransposed(0, Linear.K, Precision.FULL).zerosLike();
            NDArray after = m.fusedTransposed(0, Precision.FULL, Linear.Q, Linear.K, Linear.V);
            long k = swapped[0].getShape().get(1);
            assertThat(after.get(new NDIndex(":, {}:{}", q, q + k)).abs().sum().getFloat()).isZero();
            assertThat(after.get(new NDIndex(":, :{}", q)).toFloatArray()).containsExactly(queries);
        }
    }

    @Test
    void fusedProjectionsComputeWhatSeparateOnesComputeUpToSummationOrder() {
        LlamaWeights separate = new LlamaWeights() {
            @Override
            public LlamaConfig config() {
                return model.config();
            }

            @Override
            public NDArray embedding() {
                return model.embedding();
            }

            @Override
            public NDArray inputNorm(int layer) {
                return model.inputNorm(layer);
            }

            @Override
            public NDArray postAttentionNorm(int layer) {
                return model.postAttentionNorm(layer);
            }

            @Override
            public NDArray finalNorm() {
                return model.finalNorm();
            }

            @Override
            public NDArray lmHeadTransposed() {
                return model.lmHeadTransposed();
            }

            @Override
            public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
                return model.linearTransposed(layer, proj, precision);
            }

            @Override
            public NDArray ropeCos(long positions) {
                return model.ropeCos(positions);
            }

            @Override
            public NDArray ropeSin(long positions) {
                return model.ropeSin(positions);
            }
        };
        assertThat(separate.fusedTransposed(0, Precision.FULL, Linear.Q, Linear.K)).isNull();
        try (NDManager m = model.manager().newSubManager()) {
            long[] ids = {3, 17, 29, 41, 5, 60, 7};
            long[] pos = {0, 1, 2, 3, 4, 5, 6};
            RowPrecisions rows = RowPrecisions.uniform(Precision.FULL, 1);
            float[] fused = LlamaGraph.hidden(model, m.create(ids, new Shape(1, 7)), m.create(pos, new Shape(1, 7)),
                    null, null, rows).toFloatArray();
            float[] apart = LlamaGraph.hidden(separate, m.create(ids, new Shape(1, 7)),
                    m.create(pos, new Shape(1, 7)), null, null, rows).toFloatArray();
            // The engine may block a wider product differently, so sums can round differently in the last bits.
            assertThat(fused).hasSameSizeAs(apart);
            for (int i = 0; i < fused.length; i++) {
                assertThat(fused[i]).as("hidden value %d", i).isCloseTo(apart[i], within(2e-5f * (1 + Math.abs(apart[i]))));
            }
        }
    }
}
