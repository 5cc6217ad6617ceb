package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedWeightProvider;

/** Serving a Bit-Mixer model: per-width codes computed once, per-width norms, mixed per-layer policies. */
class BitMixerModelTest {

    static final int[] TOKENS = {1, 9, 14, 5, 22, 17, 40};
    static Map<String, Tensor> base;
    static BitMixerWeights weights;
    static BitMixerModel model;

    @BeforeAll
    static void build() throws Exception {
        base = TinyBitMixer.baseWeights();
        weights = TinyBitMixer.distinctNorms();
        model = BitMixerModel.of(weights);
    }

    static DjlLlama served(BitMixerModel m) {
        return DjlLlama.withProvider(TinyBitMixer.CONFIG, base::get, Device.cpu(),
                (mgr, c, w) -> new QuantizedWeightProvider(mgr, c, w, m));
    }

    /** The dense model whose matrices and block norms are what {@code bitsOf} says, dequantized up front. */
    static DjlLlama dequantizedUpFront(java.util.function.ToIntFunction<LinearId> bitsOf) {
        Map<String, Tensor> w = new LinkedHashMap<>(base);
        for (LinearId id : LinearId.all(TinyBitMixer.CONFIG)) {
            w.put(id.weightName(), model.dequantized(id.layer(), id.proj(), bitsOf.applyAsInt(id)));
        }
        for (int l = 0; l < TinyBitMixer.CONFIG.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                int b = bitsOf.applyAsInt(new LinearId(l, n.follows()));
                w.put(n.weightName(l), model.normWeight(l, n, b).orElseThrow());
            }
        }
        return DjlLlama.dense(TinyBitMixer.CONFIG, w::get, Device.cpu());
    }

    @Test
    @DisplayName("a served width is codes times fp16 row steps, the codes those of the latent weight at that step")
    void servedMatrixIsCodesTimesSteps() {
        for (int b : TinyBitMixer.WIDTHS) {
            LinearId id = new LinearId(1, Linear.GATE);
            int[] codes = model.codes(1, Linear.GATE, b);
            float[] steps = model.steps(1, Linear.GATE, b);
            Tensor latent = weights.latent(id);
            float[] served = model.dequantized(1, Linear.GATE, b).data();
            int cols = latent.dim(1);
            for (int i = 0; i < codes.length; i++) {
                assertThat(codes[i]).isBetween(-LsqGrid.negativeLevels(b), LsqGrid.positiveLevels(b));
                assertThat(codes[i]).isEqualTo(LsqGrid.code(latent.data()[i], steps[i / cols], b));
                assertThat(served[i]).isEqualTo(codes[i] * steps[i / cols]);
            }
        }
    }

    @Test
    @DisplayName("mixed per-layer policies serve each matrix's width-b array as is: no re-quantization, same logits as"
            + " the per-layer dequantized model with the matching norms")
    void mixedPoliciesServeThePerLayerDequantizedMatrices() {
        assertThat(model.policies()).containsOnlyKeys("bit-mixer-2.5", "bit-mixer-3.5");
        try (DjlLlama q = served(model)) {
            for (BitPolicy policy : model.policies().values()) {
                Precision p = policy.precision(TinyBitMixer.CONFIG);
                for (LinearId id : LinearId.all(TinyBitMixer.CONFIG)) {
                    Precision uniform = Precision.bits(policy.bitsFor(id));
                    assertThat(q.provider().linearTransposed(id.layer(), id.proj(), p))
                            .as("%s of %s", id, policy.name())
                            .isSameAs(q.provider().linearTransposed(id.layer(), id.proj(), uniform));
                }
                try (DjlLlama reference = dequantizedUpFront(policy::bitsFor)) {
                    assertClose(q.logits(TOKENS, p), reference.logits(TOKENS, Precision.FULL), 1e-4);
                }
            }
        }
    }

    @Test
    @DisplayName("each width reads its own norm gains; full precision reads the model's own")
    void normsFollowTheWidth() {
        try (DjlLlama q = served(model)) {
            for (int b : TinyBitMixer.WIDTHS) {
                float[] gain = q.norm(1, BlockNorm.POST_ATTENTION, Precision.bits(b)).toFloatArray();
                assertThat(gain).containsExactly(weights.norm(1, BlockNorm.POST_ATTENTION, b).data());
                try (DjlLlama reference = dequantizedUpFront(id -> b)) {
                    assertClose(q.logits(TOKENS, Precision.bits(b)), reference.logits(TOKENS, Precision.FULL), 1e-4);
                }
            }
            assertThat(q.norm(0, BlockNorm.INPUT, Precision.FULL).toFloatArray())
                    .containsExactly(base.get(BlockNorm.INPUT.weightName(0)).data());
        }
    }

    @Test
    @DisplayName("rows of one batch at different widths get the logits each would get alone")
    void mixedRowsOfOneBatchMatchSingleRowPasses() {
        Precision[] rows = {Precision.bits(2), Precision.bits(4), model.policies().get("bit-mixer-3.5")
                .precision(TinyBitMixer.CONFIG)};
        try (DjlLlama q = served(model); NDManager m = q.manager().newSubManager()) {
            int n = TOKENS.length;
            long[] ids = new long[rows.length * n];
            long[] pos = new long[rows.length * n];
            for (int r = 0; r < rows.length; r++) {
                for (int t = 0; t < n; t++) {
                    ids[r * n + t] = TOKENS[t];
                    pos[r * n + t] = t;
                }
            }
            NDArray hidden = LlamaGraph.hidden(q, m.create(ids, new Shape(rows.length, n)),
                    m.create(pos, new Shape(rows.length, n)), null, null, RowPrecisions.of(rows));
            float[] batched = LlamaGraph.logits(q, hidden).toFloatArray();
            int vocab = TinyBitMixer.CONFIG.vocabSize();
            for (int r = 0; r < rows.length; r++) {
                float[][] alone = q.logits(TOKENS, rows[r]);
                for (int t = 0; t < n; t++) {
                    for (int v = 0; v < vocab; v++) {
                        assertThat(batched[(r * n + t) * vocab + v]).as("row %d (%s)", r, rows[r])
                                .isCloseTo(alone[t][v], within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("policies sit at about lo + 0.5 bits and keep q/k/v and gate/up of a block at one width")
    void policiesMeetTheirAveragesAndGroupConstraint() {
        for (BitPolicy p : model.policies().values()) {
            double target = p.name().equals("bit-mixer-3.5") ? 3.5 : 2.5;
            assertThat(p.averageBits(TinyBitMixer.CONFIG)).isLessThanOrEqualTo(target).isGreaterThan(target - 0.5);
            BitMixerPolicies.requireGrouped(p, TinyBitMixer.CONFIG);
        }
        Map<LinearId, Integer> split = new LinkedHashMap<>(model.policies().get("bit-mixer-3.5").bits());
        split.put(new LinearId(0, Linear.K), split.get(new LinearId(0, Linear.Q)) == 3 ? 4 : 3);
        assertThatThrownBy(() -> BitMixerPolicies.requireGrouped(BitPolicy.of("bad", split), TinyBitMixer.CONFIG))
                .hasMessageContaining("model.layers.0.self_attn.k_proj.weight").hasMessageContaining("QKV");
    }

    @Test
    @DisplayName("resident bytes are the codes and steps of every width asked for (not nested); reads are per width")
    void memoryCountsOneCodeSetPerWidth() {
        long codes4 = 0;
        long codes3 = 0;
        long tables = 0;
        for (LinearId id : LinearId.all(TinyBitMixer.CONFIG)) {
            Tensor w = weights.latent(id);
            codes4 += Math.ceilDiv((long) w.dim(0) * w.dim(1) * 4, 8);
            codes3 += Math.ceilDiv((long) w.dim(0) * w.dim(1) * 3, 8);
            tables += 2L * w.dim(0);
        }
        assertThat(model.memory(Set.of(4, 3)).residentBytes()).isEqualTo(codes4 + codes3 + 2 * tables);
        assertThat(model.bytesReadPerToken(3)).isEqualTo(codes3 + tables);
        assertThatThrownBy(() -> model.memory(Set.of(8))).hasMessageContaining("[2, 3, 4]");
    }

    @Test
    @DisplayName("an unserved width is refused naming the served ones")
    void unservedWidthIsRefused() {
        assertThatThrownBy(() -> model.dequantized(0, Linear.Q, 5)).hasMessageContaining("[2, 3, 4]")
                .hasMessageContaining("not 5");
        assertThatThrownBy(() -> model.normWeight(0, BlockNorm.INPUT, 8)).hasMessageContaining("not 8");
    }

    static void assertClose(float[][] a, float[][] b, double tolerance) {
        for (int t = 0; t < a.length; t++) {
            for (int v = 0; v < a[t].length; v++) {
                assertThat((double) a[t][v]).as("position %d token %d", t, v).isCloseTo(b[t][v], within(tolerance));
            }
        }
    }
}
