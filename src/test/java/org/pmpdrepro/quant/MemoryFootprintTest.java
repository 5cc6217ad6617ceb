package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

@Tag("unit")
class MemoryFootprintTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();
    static QuantizedModel anyPrecision;
    static QuantizedModel rtn;
    /** Total weights and total output rows of the quantized matrices. */
    static long weights;
    static long rows;

    @BeforeAll
    static void quantize() throws Exception {
        var model = TinyLlamaFactory.randomModel(CONFIG, 9L);
        anyPrecision = AnyPrecisionQuantizer.defaults().quantize(model,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
        rtn = RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(model, QuantizationInputs.none());
        for (LinearId id : LinearId.all(CONFIG)) {
            int[] shape = model.shape(id.weightName());
            weights += (long) shape[0] * shape[1];
            rows += shape[0];
        }
    }

    @Test
    void nestedPlanesServingFourAndThreeBitsCostTheFourBitPlanesPlusBothTables() {
        long expected = weights * 4 / 8 + 2 * rows * (16 + 8);
        assertThat(anyPrecision.memory(Set.of(4, 3)).residentBytes()).isEqualTo(expected);
        assertThat(anyPrecision.memory(Set.of(4)).residentBytes()).isEqualTo(weights * 4 / 8 + 2 * rows * 16);
    }

    @Test
    void separateModelsServingFourAndThreeBitsCostBothModels() {
        // Each RTN model keeps an fp16 offset and scale per row.
        long expected = weights * 4 / 8 + weights * 3 / 8 + 2 * (2 * rows * 2);
        assertThat(rtn.memory(Set.of(4, 3)).residentBytes()).isEqualTo(expected);
        assertThat(rtn.memory(Set.of(4, 3)).residentBytes())
                .isEqualTo(rtn.memory(Set.of(4)).residentBytes() + rtn.memory(Set.of(3)).residentBytes());
    }

    @Test
    void bytesReadPerTokenGrowWithTheWidth() {
        for (QuantizedModel q : new QuantizedModel[] {anyPrecision, rtn}) {
            assertThat(q.bytesReadPerToken(2)).as(q.method()).isLessThan(q.bytesReadPerToken(3));
            assertThat(q.bytesReadPerToken(3)).as(q.method()).isLessThan(q.bytesReadPerToken(4));
        }
        assertThat(anyPrecision.bytesReadPerToken(3)).isEqualTo(weights * 3 / 8 + 2 * rows * 8);
        assertThat(rtn.memory(Set.of(2, 4)).bytesReadPerToken(4)).isEqualTo(rtn.bytesReadPerToken(4));
    }

    @Test
    void accountingForAnUnservedOrMissingWidthIsRefused() {
        assertThatThrownBy(() -> anyPrecision.memory(Set.of(4, 5))).hasMessageContaining("any-precision")
                .hasMessageContaining("[2, 3, 4]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> rtn.memory(Set.of())).hasMessageContaining("no precision");
        assertThatThrownBy(() -> rtn.memory(Set.of(3)).bytesReadPerToken(4)).hasMessageContaining("bit-width 4");
    }
}
