package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.RandomMatrices;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** Each matrix is quantized at its width by per-row k-means or the same min-max grid as RTN. */
@Tag("unit")
class RowQuantizerTest {

    private static double squaredError(Tensor w, Tensor q) {
        double s = 0;
        for (int i = 0; i < w.data().length; i++) {
            double d = w.data()[i] - q.data()[i];
            s += d * d;
        }
        return s;
    }

    @Test
    void theLinearSchemeServesExactlyWhatRtnServesPerRow() {
        Tensor w = RandomMatrices.gaussian(12, 40, 7);
        for (int bits = 2; bits <= 8; bits++) {
            Tensor haq = QuantizedRows.quantize(w, bits, QuantScheme.LINEAR).dequantize(w.name());
            assertThat(haq.data()).as("%d bits", bits).containsExactly(RtnQuantizer.roundTrip(w, bits, 0).data());
        }
    }

    @Test
    void kMeansErrorFallsWithEveryExtraBitAndBeatsTheLinearGrid() {
        Tensor w = RandomMatrices.gaussian(16, 64, 9);
        double previous = Double.POSITIVE_INFINITY;
        for (int bits = 1; bits <= 6; bits++) {
            double kmeans = squaredError(w, QuantizedRows.quantize(w, bits, QuantScheme.KMEANS).dequantize("w"));
            double linear = squaredError(w, QuantizedRows.quantize(w, bits, QuantScheme.LINEAR).dequantize("w"));
            assertThat(kmeans).as("%d bits", bits).isLessThan(previous).isLessThanOrEqualTo(linear);
            previous = kmeans;
        }
    }

    @Test
    void kMeansWithAsManyCentroidsAsValuesIsExactUpToFp16() {
        Tensor w = RandomMatrices.gaussian(3, 16, 2);
        Tensor q = QuantizedRows.quantize(w, 4, QuantScheme.KMEANS).dequantize("w");
        for (int i = 0; i < w.data().length; i++) {
            assertThat(q.data()[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(w.data()[i])));
        }
    }

    @Test
    void codesFitTheirWidthAndStoredFormRebuildsTheSameMatrix() {
        Tensor w = RandomMatrices.gaussian(5, 30, 4);
        for (QuantScheme scheme : QuantScheme.values()) {
            QuantizedRows q = QuantizedRows.quantize(w, 3, scheme);
            assertThat(java.util.Arrays.stream(q.codes()).boxed().toList()).allMatch(c -> c >= 0 && c < 8);
            QuantizedRows back = QuantizedRows.of(scheme, 5, 30, 3, q.codes(), q.table(), "w");
            assertThat(back.dequantize("w").data()).containsExactly(q.dequantize("w").data());
        }
    }
}
