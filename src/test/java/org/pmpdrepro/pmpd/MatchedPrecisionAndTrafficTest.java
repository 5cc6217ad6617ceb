package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.MemoryFootprint;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.WeightTraffic;

/** none-matched's choice of precision, and the weight bytes a decode step reads. */
@Tag("unit")
class MatchedPrecisionAndTrafficTest {

    static QuantizedModel rtn;

    @BeforeAll
    static void quantize() {
        rtn = TinyBackbone.quantize(TinyBackbone.weights());
    }

    /** The RTN model publishing one mixed policy: layer 0 at 4 bits, layer 1 at 2 bits. */
    static QuantizedModel withPolicy() {
        Map<LinearId, Integer> bits = new HashMap<>();
        for (LinearId id : LinearId.all(TinyBackbone.CONFIG)) {
            bits.put(id, id.layer() == 0 ? 4 : 2);
        }
        BitPolicy policy = BitPolicy.of("mixed-3", bits);
        return new QuantizedModel() {
            @Override
            public String method() {
                return rtn.method();
            }

            @Override
            public LlamaConfig config() {
                return rtn.config();
            }

            @Override
            public SortedSet<Integer> bitWidths() {
                return rtn.bitWidths();
            }

            @Override
            public Tensor dequantized(int layer, Linear proj, int b) {
                return rtn.dequantized(layer, proj, b);
            }

            @Override
            public Map<String, BitPolicy> policies() {
                return Map.of(policy.name(), policy);
            }

            @Override
            public MemoryFootprint memory(Set<Integer> precisions) {
                return rtn.memory(precisions);
            }
        };
    }

    @Test
    void withoutPoliciesTheNearestUniformWidthIsChosenTiesGoingWider() {
        assertThat(MatchedPrecision.nearest(rtn, 3.4).precision()).isEqualTo(Precision.bits(3));
        assertThat(MatchedPrecision.nearest(rtn, 3.5).precision()).isEqualTo(Precision.bits(4));
        assertThat(MatchedPrecision.nearest(rtn, 3.5).describe()).contains("nearest uniform width");
    }

    @Test
    void aBackboneThatPublishesPoliciesIsMatchedWithItsNearestPolicy() {
        MatchedPrecision m = MatchedPrecision.nearest(withPolicy(), 3.2);
        assertThat(m.kind()).isEqualTo("policy");
        assertThat(m.precision().label()).isEqualTo("mixed-3");
        assertThat(m.precision().averageBits()).isEqualTo(3.0);
        assertThat(m.describe()).contains("mixed per-layer policy");
    }

    @Test
    void aMissingTargetIsRefused() {
        assertThatThrownBy(() -> MatchedPrecision.nearest(rtn, Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void bytesPerDecodedTokenFollowTheDecodeStepsOnly() {
        WeightTraffic t = new WeightTraffic(rtn);
        double four = t.bytesPerStep("4bit");
        double two = t.bytesPerStep("2bit");
        assertThat(four).isEqualTo(rtn.bytesReadPerToken(4)).isGreaterThan(two);
        long params = LinearId.all(TinyBackbone.CONFIG).stream()
                .mapToLong(id -> BitPolicy.parameters(TinyBackbone.CONFIG, id.proj())).sum();
        assertThat(t.bytesPerStep("full")).isEqualTo(2.0 * params);
        // The prefill (entry 0) is excluded, as from the average bit-width.
        assertThat(t.perDecodedToken(List.of("full", "4bit", "2bit"))).isEqualTo((four + two) / 2);
        assertThat(t.perDecodedToken(List.of("4bit"))).isNaN();
    }
}
