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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.EqualBytes;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedWeightProvider;

/** Serving a Bit-Mixer model: per-width codes computed once, per-width norms, mixed per-layer policies. */
@Tag("unit")
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
                int to = bitsOf.applyAsInt(new LinearId(l, n.follows()));
                int from = LinearId.writtenBefore(l, n).map(bitsOf::applyAsInt).orElse(to);
                w.put(n.weightName(l), model.normWeight(l, n, from, to).orElseThrow());
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
            + " the per-layer dequantized model with the matching transition norms")
    void mixedPoliciesServeThePerLayerDequantizedMatrices() {
        assertThat(model.policies()).containsOnlyKeys("bit-mixer-2", "bit-mixer-3");
        BitMixerModel mixed = TinyBitMixer.withPolicy(model, TinyBitMixer.mixed("bit-mixer-mix", 2, 4));
        try (DjlLlama q = served(mixed)) {
            for (BitPolicy policy : mixed.policies().values()) {
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
    @DisplayName("a norm between a writer at one width and readers at another reads that transition's gain")
    void normsFollowTheWidthTransition() {
        BitMixerModel mixed = TinyBitMixer.withPolicy(model, TinyBitMixer.mixed("bit-mixer-mix", 2, 4));
        Precision p = mixed.policies().get("bit-mixer-mix").precision(TinyBitMixer.CONFIG);
        try (DjlLlama q = served(mixed)) {
            // Block 1: o at 2 bits writes the post-attention norm's input, gate/up at 4 bits read its output.
            assertThat(q.norm(1, BlockNorm.POST_ATTENTION, p).toFloatArray())
                    .containsExactly(weights.norm(1, BlockNorm.POST_ATTENTION, 2, 4).data())
                    .isNotEqualTo(weights.norm(1, BlockNorm.POST_ATTENTION, 4, 4).data());
            assertThat(q.norm(1, BlockNorm.INPUT, p).toFloatArray())
                    .containsExactly(weights.norm(1, BlockNorm.INPUT, 2, 2).data());
            // Block 0's input norm reads the embedding: keyed on the width it feeds alone.
            assertThat(q.norm(0, BlockNorm.INPUT, p).toFloatArray())
                    .containsExactly(weights.norm(0, BlockNorm.INPUT, 2, 2).data());
        }
        assertThatThrownBy(() -> weights.norm(0, BlockNorm.INPUT, 3, 2)).hasMessageContaining("no INPUT gain of block 0");
    }

    @Test
    @DisplayName("each uniform width reads its own norm gains; full precision reads the model's own")
    void normsFollowTheWidth() {
        try (DjlLlama q = served(model)) {
            for (int b : TinyBitMixer.WIDTHS) {
                float[] gain = q.norm(1, BlockNorm.POST_ATTENTION, Precision.bits(b)).toFloatArray();
                assertThat(gain).containsExactly(weights.norm(1, BlockNorm.POST_ATTENTION, b, b).data());
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
        BitMixerModel mixed = TinyBitMixer.withPolicy(model, TinyBitMixer.mixed("bit-mixer-mix", 3, 4));
        Precision[] rows = {Precision.bits(2), Precision.bits(4), mixed.policies().get("bit-mixer-mix")
                .precision(TinyBitMixer.CONFIG)};
        try (DjlLlama q = served(mixed); NDManager m = q.manager().newSubManager()) {
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

    /** Bytes of {@code bits} worked out from the shapes: packed codes and one fp16 step per row. */
    private static long bitMixerBytes(Map<LinearId, Integer> bits) {
        long total = 0;
        for (Map.Entry<LinearId, Integer> e : bits.entrySet()) {
            Tensor w = weights.latent(e.getKey());
            total += Math.ceilDiv((long) w.dim(0) * w.dim(1) * e.getValue(), 8) + 2L * w.dim(0);
        }
        return total;
    }

    private static Map<LinearId, Integer> uniform(int b) {
        Map<LinearId, Integer> out = new LinkedHashMap<>();
        LinearId.all(TinyBitMixer.CONFIG).forEach(id -> out.put(id, b));
        return out;
    }

    @Test
    @DisplayName("a nominal-width policy reads at most Any-Precision's bytes at that width, its steps counted")
    void policiesReadAtMostAnyPrecisionsBytes() {
        for (int lo : new int[] {2, 3}) {
            BitPolicy p = model.policies().get("bit-mixer-" + lo);
            long budget = EqualBytes.anyPrecisionBytes(TinyBitMixer.CONFIG, lo);
            assertThat(bitMixerBytes(p.bits())).as(p.name()).isLessThanOrEqualTo(budget)
                    .isEqualTo(model.policyMemory(Set.of(p.name())).orElseThrow().bytesReadPerToken(p.name()));
            // On 32-wide rows Any-Precision's tables cost more than a whole bit per weight: the next width fits.
            assertThat(bitMixerBytes(uniform(lo + 1))).isLessThanOrEqualTo(budget);
            assertThat(p.bits().values()).containsOnly(lo + 1);
            BitMixerPolicies.requireGrouped(p, TinyBitMixer.CONFIG);
        }
    }

    @Test
    @DisplayName("under a tight budget the mix lowers the least harmed groups, then raises back what still fits")
    void aTightBudgetIsFilledByLoweringTheLeastHarmedGroupsAndRaisingBackWhatFits() {
        long at2 = bitMixerBytes(uniform(2));
        long at3 = bitMixerBytes(uniform(3));
        long budget = (at2 + at3) / 2;
        Map<LinearId, BitMixerLinear> matrices = model.matrices();
        BitPolicy p = BitMixerPolicies.atBytes(TinyBitMixer.CONFIG, 2, 3, budget, matrices,
                (id, b) -> squaredError(matrices.get(id).dequantize(b), weights.latent(id).data()),
                squaredNorms());
        long bytes = bitMixerBytes(p.bits());
        assertThat(bytes).isLessThanOrEqualTo(budget);
        assertThat(p.bits().values()).contains(2, 3);
        BitMixerPolicies.requireGrouped(p, TinyBitMixer.CONFIG);
        // Nothing left at 2 bits could be raised back to 3 within the budget.
        for (int l = 0; l < TinyBitMixer.CONFIG.numLayers(); l++) {
            for (MatrixGroup g : MatrixGroup.values()) {
                Map<LinearId, Integer> raised = new LinkedHashMap<>(p.bits());
                boolean low = false;
                for (Linear proj : g.members()) {
                    low |= raised.put(new LinearId(l, proj), 3) == 2;
                }
                if (low) {
                    assertThat(bitMixerBytes(raised)).as("block %d %s raised", l, g).isGreaterThan(budget);
                }
            }
        }
    }

    private static double squaredError(float[] a, float[] b) {
        double e = 0;
        for (int i = 0; i < a.length; i++) {
            e += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return e;
    }

    private static Map<LinearId, Double> squaredNorms() {
        Map<LinearId, Double> out = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(TinyBitMixer.CONFIG)) {
            out.put(id, squaredError(weights.latent(id).data(), new float[weights.latent(id).data().length]));
        }
        return out;
    }

    @Test
    @DisplayName("a policy splitting q/k/v of a block is refused")
    void splitGroupsAreRefused() {
        Map<LinearId, Integer> split = new LinkedHashMap<>(uniform(3));
        split.put(new LinearId(0, Linear.K), 4);
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
        // Plus the norm gains of the second width: one more copy of every block norm, at fp16.
        long norms = 2L * TinyBitMixer.CONFIG.numLayers() * BlockNorm.values().length * TinyBitMixer.CONFIG.hiddenSize();
        assertThat(model.memory(Set.of(4, 3)).residentBytes()).isEqualTo(codes4 + codes3 + 2 * tables + norms);
        assertThat(model.memory(Set.of(4)).residentBytes()).isEqualTo(codes4 + tables);
        assertThat(model.bytesReadPerToken(3)).isEqualTo(codes3 + tables);
        assertThatThrownBy(() -> model.memory(Set.of(8))).hasMessageContaining("[2, 3, 4]");
    }

    @Test
    @DisplayName("an unserved width is refused naming the served ones")
    void unservedWidthIsRefused() {
        assertThatThrownBy(() -> model.dequantized(0, Linear.Q, 5)).hasMessageContaining("[2, 3, 4]")
                .hasMessageContaining("not 5");
        assertThatThrownBy(() -> model.normWeight(0, BlockNorm.INPUT, 8, 8)).hasMessageContaining("from 8 to 8");
    }

    static void assertClose(float[][] a, float[][] b, double tolerance) {
        for (int t = 0; t < a.length; t++) {
            for (int v = 0; v < a[t].length; v++) {
                assertThat((double) a[t][v]).as("position %d token %d", t, v).isCloseTo(b[t][v], within(tolerance));
            }
        }
    }
}
