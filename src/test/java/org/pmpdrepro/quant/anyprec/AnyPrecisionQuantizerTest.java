package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.RandomMatrices;
import org.pmpdrepro.quant.SensitivitySource;

@Tag("unit")
class AnyPrecisionQuantizerTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();

    /** Deterministic, weight-dependent sensitivities: larger weights count more. */
    static final SensitivitySource MAGNITUDE = (id, w) -> {
        float[] f = new float[w.data().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = w.data()[i] * w.data()[i] + 0.01f;
        }
        return new Tensor(w.name(), w.shape(), f);
    };

    static AnyPrecisionModel quantize(AnyPrecisionQuantizer q, SensitivitySource s) throws Exception {
        return (AnyPrecisionModel) q.quantize(TinyLlamaFactory.randomModel(CONFIG, 8L),
                QuantizationInputs.withSensitivities(s));
    }

    @Test
    void everyBlockProjectionIsQuantizedAndServesSeedToParentWidths() throws Exception {
        AnyPrecisionModel m = quantize(new AnyPrecisionQuantizer(3, 5, 50), MAGNITUDE);
        assertThat(m.method()).isEqualTo("any-precision");
        assertThat(m.bitWidths()).containsExactly(3, 4, 5);
        for (LinearId id : LinearId.all(CONFIG)) {
            AnyPrecisionLinear matrix = m.matrix(id.layer(), id.proj());
            assertThat(matrix.parentBits()).as(id.weightName()).isEqualTo(5);
            int[] parent = matrix.codes(5);
            int[] four = matrix.codes(4);
            for (int i = 0; i < parent.length; i++) {
                assertThat(four[i]).isEqualTo(parent[i] >> 1);
            }
        }
        assertThat(LinearId.all(CONFIG)).hasSize(CONFIG.numLayers() * Linear.values().length);
    }

    @Test
    void quantizingTwiceGivesIdenticalPlanesAndTables() throws Exception {
        AnyPrecisionModel a = quantize(AnyPrecisionQuantizer.defaults(), MAGNITUDE);
        AnyPrecisionModel b = quantize(AnyPrecisionQuantizer.defaults(), MAGNITUDE);
        for (LinearId id : LinearId.all(CONFIG)) {
            assertThat(a.matrix(id.layer(), id.proj())).as(id.weightName()).isEqualTo(b.matrix(id.layer(), id.proj()));
        }
    }

    @Test
    void sensitivitiesChangeTheClusteringAndUniformOnesArePlainKMeans() throws Exception {
        AnyPrecisionModel weighted = quantize(AnyPrecisionQuantizer.defaults(), MAGNITUDE);
        AnyPrecisionModel plain = quantize(AnyPrecisionQuantizer.defaults(), SensitivitySource.uniform());
        assertThat(weighted.matrix(0, Linear.GATE)).isNotEqualTo(plain.matrix(0, Linear.GATE));
        Tensor w = TinyLlamaFactory.randomWeights(CONFIG, 8L).get(Linear.GATE.weight(0));
        AnyPrecisionLinear direct = AnyPrecisionLinear.quantize(w, RandomMatrices.ones(w.dim(0), w.dim(1)), 2, 4, 100);
        assertThat(plain.matrix(0, Linear.GATE)).isEqualTo(direct);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new AnyPrecisionQuantizer(2, 9, 10)).hasMessageContaining("parent width 9");
        assertThatThrownBy(() -> new AnyPrecisionQuantizer(4, 3, 10)).hasMessageContaining("seed width 4 outside 2..3");
        assertThatThrownBy(() -> new AnyPrecisionQuantizer(2, 4, 0)).hasMessageContaining("iteration cap 0");
    }
}
