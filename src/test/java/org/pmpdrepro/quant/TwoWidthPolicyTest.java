package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** A per-matrix mix of two widths named by its label reaches the decoder and the byte accounting as it is. */
@Tag("unit")
class TwoWidthPolicyTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final Set<LinearId> UP = Set.of(new LinearId(0, Linear.Q), new LinearId(1, Linear.DOWN));
    static Map<String, Tensor> weights;
    static QuantizedModel anyPrecision;

    @BeforeAll
    static void quantize() throws Exception {
        weights = TinyLlamaFactory.randomWeights(CONFIG, 6L);
        anyPrecision = AnyPrecisionQuantizer.defaults().quantize(new InMemoryWeights(CONFIG, weights),
                QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
    }

    @Test
    void theLabelNamesEveryMatrixsWidthAndItsAverageAndParsesBack() {
        BitPolicy p = TwoWidthPolicy.of(CONFIG, 4, 3, UP);
        assertThat(p.name()).matches("mix-4-3-[0-9a-f]+-3\\.\\d{3}");
        assertThat(p.bitsFor(new LinearId(0, Linear.Q))).isEqualTo(4);
        assertThat(p.bitsFor(new LinearId(0, Linear.K))).isEqualTo(3);
        assertThat(TwoWidthPolicy.parse(p.name(), CONFIG)).contains(p);
        assertThat(anyPrecision.policy(p.name())).contains(p);
        assertThat(TwoWidthPolicy.parse("4bit", CONFIG)).isEmpty();
        assertThat(TwoWidthPolicy.parse("haq-4", CONFIG)).isEmpty();
    }

    @Test
    void aLabelWhoseAverageOrMaskDisagreesWithTheModelIsAnError() {
        String name = TwoWidthPolicy.of(CONFIG, 4, 3, UP).name();
        String wrongAverage = name.substring(0, name.lastIndexOf('-') + 1) + "3.999";
        assertThatThrownBy(() -> TwoWidthPolicy.parse(wrongAverage, CONFIG)).hasMessageContaining("expected the label"
                + " to end with that average");
        assertThatThrownBy(() -> TwoWidthPolicy.parse("mix-4-3-fffffffff-3.500", CONFIG))
                .hasMessageContaining("model has 14 quantized matrices");
    }

    @Test
    void theProviderServesEachMatrixAtItsOwnWidth() {
        Precision mix = TwoWidthPolicy.of(CONFIG, 4, 3, UP).precision(CONFIG);
        try (DjlLlama model = DjlLlama.withProvider(CONFIG, weights::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, anyPrecision))) {
            assertThat(model.provider().supports(mix)).isTrue();
            assertThat(model.provider().supports(new Precision(mix.label(), 3.9))).isFalse();
            assertThat(model.provider().linearTransposed(0, Linear.Q, mix))
                    .isSameAs(model.provider().linearTransposed(0, Linear.Q, Precision.bits(4)));
            assertThat(model.provider().linearTransposed(0, Linear.K, mix))
                    .isSameAs(model.provider().linearTransposed(0, Linear.K, Precision.bits(3)));
            assertThat(model.provider().linearTransposed(1, Linear.DOWN, mix))
                    .isSameAs(model.provider().linearTransposed(1, Linear.DOWN, Precision.bits(4)));
        }
    }

    @Test
    void aMixReadsEachMatrixsOwnBytesOnAnyPrecisionAndIsUnaccountedWhereAMethodCannotSay() throws Exception {
        WeightTraffic traffic = new WeightTraffic(anyPrecision);
        assertThat(traffic.bytesPerStep(TwoWidthPolicy.of(CONFIG, 4, 3, Set.copyOf(LinearId.all(CONFIG))).name()))
                .isEqualTo(anyPrecision.bytesReadPerToken(4));
        assertThat(traffic.bytesPerStep(TwoWidthPolicy.of(CONFIG, 4, 3, Set.of()).name()))
                .isEqualTo(anyPrecision.bytesReadPerToken(3));
        double mixed = traffic.bytesPerStep(TwoWidthPolicy.of(CONFIG, 4, 3, UP).name());
        assertThat(mixed).isStrictlyBetween((double) anyPrecision.bytesReadPerToken(3),
                (double) anyPrecision.bytesReadPerToken(4));
        QuantizedModel rtn = RtnQuantizer.perRow(Set.of(3, 4)).quantize(new InMemoryWeights(CONFIG, weights),
                QuantizationInputs.none());
        assertThat(new WeightTraffic(rtn).bytesPerStep(TwoWidthPolicy.of(CONFIG, 4, 3, UP).name())).isNaN();
    }
}
