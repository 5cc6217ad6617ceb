package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** Quantized models decode through the ordinary decoder by way of {@link QuantizedWeightProvider}. */
@Tag("unit")
class QuantizedDecodingTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final List<int[]> PROMPTS = List.of(new int[] {3, 9, 14, 5}, new int[] {7, 21, 40, 11, 8, 30});
    static Map<String, Tensor> weights;
    static QuantizedModel anyPrecision;
    static QuantizedModel rtn;

    @BeforeAll
    static void quantize() throws Exception {
        weights = TinyLlamaFactory.randomWeights(CONFIG, 4L);
        InMemoryWeights source = new InMemoryWeights(CONFIG, weights);
        anyPrecision = AnyPrecisionQuantizer.defaults().quantize(source,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
        rtn = RtnQuantizer.perRow(Set.of(2, 8)).quantize(source, QuantizationInputs.none());
    }

    static DjlLlama load(QuantizedModel q) {
        return DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
    }

    @Test
    void decodingAtQuantizedWidthsNeverReadsTheDenseMatricesAndFullPrecisionReadsEachOnce() {
        List<String> read = new java.util.ArrayList<>();
        try (DjlLlama model = DjlLlama.withProvider(CONFIG, name -> {
            read.add(name);
            return weights.get(name);
        }, Device.cpu(), (m, c, w) -> new QuantizedWeightProvider(m, c, w, anyPrecision))) {
            read.clear();
            new GreedyDecoder(model, 2, 0).generate(PROMPTS, 4, -1, PrecisionPlan.fixed(Precision.bits(3)));
            assertThat(read).as("dense matrices read while decoding at 3 bits").isEmpty();
            new GreedyDecoder(model, 2, 0).generate(PROMPTS, 4, -1, PrecisionPlan.fixed(Precision.FULL));
            new GreedyDecoder(model, 2, 0).generate(PROMPTS, 4, -1, PrecisionPlan.fixed(Precision.FULL));
            assertThat(read).hasSize(CONFIG.numLayers() * Linear.values().length).doesNotHaveDuplicates();
        }
    }

    @Test
    void anAnyPrecisionModelDecodesGreedilyAtFourAndThreeBits() {
        try (DjlLlama model = load(anyPrecision)) {
            for (int bits : new int[] {4, 3}) {
                Precision p = Precision.bits(bits);
                DecodeResult result = new GreedyDecoder(model, 2, 0).generate(PROMPTS, 6, -1, PrecisionPlan.fixed(p));
                for (Generation g : result.generations()) {
                    assertThat(g.tokens()).as("%d bits", bits).hasSize(6);
                    assertThat(g.averageDecodeBits()).isEqualTo(bits);
                }
            }
        }
    }

    @Test
    void fusedMatricesAreTheServedPartsSideBySideAndAreKept() {
        try (DjlLlama model = load(anyPrecision)) {
            Precision p = Precision.bits(3);
            NDArray qkv = model.fusedTransposed(1, p, Linear.Q, Linear.K, Linear.V);
            NDArray gateUp = model.fusedTransposed(1, p, Linear.GATE, Linear.UP);
            assertThat(model.fusedTransposed(1, p, Linear.Q, Linear.K, Linear.V)).as("kept").isSameAs(qkv);
            assertThat(sideBySide(model, p, Linear.Q, Linear.K, Linear.V)).containsExactly(qkv.toFloatArray());
            assertThat(sideBySide(model, p, Linear.GATE, Linear.UP)).containsExactly(gateUp.toFloatArray());
            assertThat(qkv.getShape().getShape()).containsExactly(CONFIG.hiddenSize(),
                    CONFIG.hiddenSize() + 2L * CONFIG.kvDim());
        }
    }

    /** The parts as served one by one, concatenated along the output axis. */
    static float[] sideBySide(DjlLlama model, Precision p, Linear... projections) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDList parts = new NDList();
            for (Linear proj : projections) {
                parts.add(model.linearTransposed(1, proj, p).duplicate());
            }
            return NDArrays.concat(parts, 1).toFloatArray();
        }
    }

    @Test
    void theServedMatrixIsTheTransposedDequantizedWeight() {
        try (DjlLlama model = load(anyPrecision)) {
            float[] served = model.provider().linearTransposed(1, Linear.DOWN, Precision.bits(3)).toFloatArray();
            Tensor q = anyPrecision.dequantized(1, Linear.DOWN, 3);
            int out = q.dim(0);
            int in = q.dim(1);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    assertThat(served[i * out + o]).isEqualTo(q.data()[o * in + i]);
                }
            }
        }
    }

    @Test
    void matricesAreBuiltOnceAndServedFromTheCacheAfterwards() {
        try (DjlLlama model = DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, rtn, Set.of(8)))) {
            assertThat(model.provider().linearTransposed(0, Linear.V, Precision.bits(8)))
                    .isSameAs(model.provider().linearTransposed(0, Linear.V, Precision.bits(8)));
            assertThat(model.provider().linearTransposed(1, Linear.O, Precision.bits(2)))
                    .isSameAs(model.provider().linearTransposed(1, Linear.O, Precision.bits(2)));
        }
    }

    @Test
    void eightBitRoundToNearestLogitsStayCloseToFullPrecisionAndTwoBitOnesDoNot() {
        int[] tokens = {3, 9, 14, 5, 22, 17};
        try (DjlLlama model = load(rtn)) {
            float[][] full = model.logits(tokens, Precision.FULL);
            double eight = maxAbsDifference(full, model.logits(tokens, Precision.bits(8)));
            double two = maxAbsDifference(full, model.logits(tokens, Precision.bits(2)));
            assertThat(eight).isLessThan(0.05);
            assertThat(two).isGreaterThan(10 * eight);
        }
    }

    static double maxAbsDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int v = 0; v < a[t].length; v++) {
                max = Math.max(max, Math.abs(a[t][v] - b[t][v]));
            }
        }
        return max;
    }

    @Test
    void anUnservedPrecisionIsRefusedNamingWhatIsServed() {
        try (DjlLlama model = load(anyPrecision)) {
            assertThat(model.provider().supports(Precision.bits(5))).isFalse();
            assertThat(model.provider().supports(Precision.bits(2))).isTrue();
            assertThatThrownBy(() -> model.provider().linearTransposed(0, Linear.Q, Precision.bits(5)))
                    .hasMessageContaining("any-precision").hasMessageContaining("[2, 3, 4]")
                    .hasMessageContaining("not 5bit");
            Precision policy = new Precision("policy-a", 3.5);
            assertThatThrownBy(() -> model.provider().linearTransposed(0, Linear.Q, policy))
                    .hasMessageContaining("not policy-a");
        }
        assertThatThrownBy(() -> DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, rtn, Set.of(4))))
                .hasMessageContaining("cannot prepare bit-widths [4]").hasMessageContaining("[2, 8]");
    }

    @Test
    void anyPrecisionWithoutSensitivitiesSaysWhatIsMissing() {
        assertThatThrownBy(() -> AnyPrecisionQuantizer.defaults().quantize(new InMemoryWeights(CONFIG, weights),
                QuantizationInputs.none())).hasMessageContaining("needs per-weight sensitivities")
                .hasMessageContaining("SensitivitySource.uniform()");
    }
}
