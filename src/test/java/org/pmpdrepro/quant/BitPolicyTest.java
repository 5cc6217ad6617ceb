package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.WeightProvider;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** Mixed per-matrix policies: validation, parameter-weighted average bits, and serving through the provider. */
@Tag("unit")
class BitPolicyTest {

    static final LlamaConfig CONFIG = QuantizedDecodingTest.CONFIG;

    @Test
    void averageBitsWeighsEachMatrixByItsParameterCount() {
        Map<LinearId, Integer> bits = new HashMap<>();
        long total = 0;
        double weighted = 0;
        for (LinearId id : LinearId.all(CONFIG)) {
            int b = id.proj() == Linear.DOWN ? 2 : 4;
            bits.put(id, b);
            long n = BitPolicy.parameters(CONFIG, id.proj());
            total += n;
            weighted += n * b;
        }
        BitPolicy policy = BitPolicy.of("mixed", bits);
        assertThat(policy.averageBits(CONFIG)).isCloseTo(weighted / total, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(BitPolicy.uniform("all3", CONFIG, 3).averageBits(CONFIG)).isEqualTo(3.0);
    }

    @Test
    void parameterCountsMatchTheWeightShapes() throws Exception {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 1L);
        for (LinearId id : LinearId.all(CONFIG)) {
            assertThat(BitPolicy.parameters(CONFIG, id.proj())).as(id.toString())
                    .isEqualTo(weights.get(id.weightName()).size());
        }
    }

    @Test
    void aPolicyMissingAMatrixOrWithABadWidthIsRejected() {
        Map<LinearId, Integer> partial = Map.of(new LinearId(0, Linear.Q), 4);
        assertThatThrownBy(() -> BitPolicy.of("partial", partial).averageBits(CONFIG))
                .hasMessageContaining("'partial' gives no bit-width for model.layers.0.self_attn.k_proj.weight");
        assertThatThrownBy(() -> BitPolicy.of("bad", Map.of(new LinearId(0, Linear.Q), 0)))
                .hasMessageContaining("bit-width 0; expected 1..16");
        assertThatThrownBy(() -> BitPolicy.uniform("4bit", CONFIG, 4)).hasMessageContaining("looks like a uniform");
    }

    @Test
    void theProviderServesEachMatrixOfAPolicyAtItsOwnWidth() throws Exception {
        Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(CONFIG, 4L);
        QuantizedModel rtn = RtnQuantizer.perRow(Set.of(2, 4)).quantize(new InMemoryWeights(CONFIG, weights),
                QuantizationInputs.none());
        Map<LinearId, Integer> bits = new HashMap<>();
        for (LinearId id : LinearId.all(CONFIG)) {
            bits.put(id, id.layer() == 0 ? 4 : 2);
        }
        BitPolicy policy = BitPolicy.of("layer0-high", bits);
        QuantizedModel withPolicy = new PolicyView(rtn, policy);
        try (DjlLlama model = DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, withPolicy))) {
            WeightProvider provider = model.provider();
            Precision p = policy.precision(CONFIG);
            assertThat(provider.supports(p)).isTrue();
            assertThat(provider.supports(new Precision("layer0-high", 3.9))).as("label with wrong bits").isFalse();
            for (LinearId id : List.of(new LinearId(0, Linear.UP), new LinearId(1, Linear.UP))) {
                NDArray served = provider.linearTransposed(id.layer(), id.proj(), p);
                NDArray expected = provider.linearTransposed(id.layer(), id.proj(), Precision.bits(bits.get(id)));
                assertThat(served.toFloatArray()).as(id.toString()).containsExactly(expected.toFloatArray());
            }
        }
    }

    /** An RTN model that also publishes one policy (mixed methods publish theirs themselves). */
    private record PolicyView(QuantizedModel inner, BitPolicy policy) implements QuantizedModel {
        @Override
        public String method() {
            return inner.method();
        }

        @Override
        public LlamaConfig config() {
            return inner.config();
        }

        @Override
        public java.util.SortedSet<Integer> bitWidths() {
            return inner.bitWidths();
        }

        @Override
        public Tensor dequantized(int layer, Linear proj, int bits) {
            return inner.dequantized(layer, proj, bits);
        }

        @Override
        public Map<String, BitPolicy> policies() {
            return Map.of(policy.name(), policy);
        }

        @Override
        public MemoryFootprint memory(Set<Integer> precisions) {
            return inner.memory(precisions);
        }
    }
}
