package org.pmpdrepro.quant.rtn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pmpdrepro.quant.RandomMatrices.gaussian;
import static org.pmpdrepro.quant.RandomMatrices.ones;
import static org.pmpdrepro.quant.RandomMatrices.weightedError;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;

@Tag("unit")
class RtnQuantizerTest {

    @ParameterizedTest(name = "group size {0}")
    @ValueSource(ints = {0, 16})
    void errorNeverGrowsWithMoreBits(int groupSize) {
        for (long seed = 1; seed <= 3; seed++) {
            Tensor w = gaussian(8, 128, seed);
            double previous = Double.POSITIVE_INFINITY;
            for (int b = 2; b <= 8; b++) {
                double err = weightedError(w, RtnQuantizer.roundTrip(w, b, groupSize).data(), ones(8, 128));
                assertThat(err).as("seed %d, %d bits", seed, b).isLessThanOrEqualTo(previous);
                previous = err;
            }
        }
    }

    @Test
    void everyWeightIsWithinHalfAStepOfItsGroupGrid() {
        Tensor w = gaussian(4, 64, 7L);
        float[] q = RtnQuantizer.roundTrip(w, 4, 16).data();
        for (int r = 0; r < 4; r++) {
            for (int g = 0; g < 4; g++) {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = g * 16; c < (g + 1) * 16; c++) {
                    min = Math.min(min, w.data()[r * 64 + c]);
                    max = Math.max(max, w.data()[r * 64 + c]);
                }
                double step = (max - min) / 15.0;
                for (int c = g * 16; c < (g + 1) * 16; c++) {
                    // Half a step, plus the fp16 rounding of the offset and scale.
                    assertThat((double) Math.abs(q[r * 64 + c] - w.data()[r * 64 + c])).isLessThan(0.5 * step * 1.02 + 1e-3);
                }
            }
        }
    }

    @Test
    void eachWidthHasItsOwnCodesAndTheModelServesExactlyTheRequestedWidths() throws Exception {
        LlamaConfig config = TinyLlamaFactory.tinyConfig();
        QuantizedModel q = RtnQuantizer.perRow(Set.of(3, 4))
                .quantize(TinyLlamaFactory.randomModel(config, 5L), QuantizationInputs.none());
        assertThat(q.method()).isEqualTo("rtn");
        assertThat(q.bitWidths()).containsExactly(3, 4);
        Tensor w = TinyLlamaFactory.randomWeights(config, 5L).get(Linear.UP.weight(1));
        assertThat(q.dequantized(1, Linear.UP, 3).data()).containsExactly(RtnQuantizer.roundTrip(w, 3, 0).data());
        assertThat(q.dequantized(1, Linear.UP, 3).shape()).containsExactly(config.intermediateSize(),
                config.hiddenSize());
        RtnModel model = (RtnModel) q;
        assertThat(model.codes(0, Linear.K, 3)).containsOnly(0, 1, 2, 3, 4, 5, 6, 7).contains(0, 7);
        assertThatThrownBy(() -> q.dequantized(1, Linear.UP, 5)).hasMessageContaining("serves bit-widths [3, 4]")
                .hasMessageContaining("not 5");
        assertThatThrownBy(() -> q.dequantized(2, Linear.UP, 3)).hasMessageContaining("layer 2 outside 0..1");
    }

    @Test
    void widthsOutsideTwoToEightAreRefused() {
        assertThatThrownBy(() -> RtnQuantizer.perRow(Set.of(1, 4))).hasMessageContaining("bit-width 1 outside 2..8");
        assertThatThrownBy(() -> new RtnQuantizer(new TreeSet<>(Set.of(9)), Grouping.perRow()))
                .hasMessageContaining("9");
        assertThatThrownBy(() -> new RtnQuantizer(new TreeSet<>(Set.of(4)), Grouping.columns(-2)))
                .hasMessageContaining("group size -2");
    }
}
