package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.pmpdrepro.quant.RandomMatrices.exponentialSensitivity;
import static org.pmpdrepro.quant.RandomMatrices.gaussian;
import static org.pmpdrepro.quant.RandomMatrices.ones;
import static org.pmpdrepro.quant.RandomMatrices.weightedError;

import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

@Tag("unit")
class AnyPrecisionLinearTest {

    @ParameterizedTest(name = "seed {0} bits, parent {1} bits")
    @CsvSource({"2, 4", "3, 6", "2, 8"})
    void everyNarrowerCodeIsTheParentCodeShiftedRight(int seed, int parent) {
        Tensor w = gaussian(6, 96, 11L);
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, exponentialSensitivity(6, 96, 12L), seed, parent, 100);
        int[] parentCodes = m.codes(parent);
        for (int b = seed; b < parent; b++) {
            int[] expected = new int[parentCodes.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = parentCodes[i] >> (parent - b);
            }
            assertThat(m.codes(b)).as("%d-bit codes", b).containsExactly(expected);
        }
    }

    @Test
    void dequantizingFromTheFirstBPlanesAloneEqualsTheBBitModel() {
        Tensor w = gaussian(5, 70, 21L);
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, exponentialSensitivity(5, 70, 22L), 2, 5, 100);
        int[] parentCodes = m.codes(5);
        for (int b = 2; b <= 5; b++) {
            AnyPrecisionLinear kept = m.truncatedTo(b);
            assertThat(kept.planes().bits()).isEqualTo(b);
            assertThat(kept.dequantize(b)).as("%d bits from %d planes", b, b).containsExactly(m.dequantize(b));
            short[] table = m.table(b);
            float[] byLookup = new float[parentCodes.length];
            for (int i = 0; i < byLookup.length; i++) {
                int row = i / 70;
                byLookup[i] = Fp16.decode(table[row << b | parentCodes[i] >> (5 - b)]);
            }
            assertThat(m.dequantize(b)).as("%d bits by table lookup", b).containsExactly(byLookup);
        }
    }

    @Test
    void aBandOfRowsIsTheSliceOfTheWholeMatrix() {
        Tensor w = gaussian(7, 70, 23L);
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, exponentialSensitivity(7, 70, 24L), 2, 4, 100);
        for (int b = 2; b <= 4; b++) {
            float[] whole = m.dequantize(b);
            // A buffer larger than the band, as the decoder's last band of a matrix leaves it.
            float[] band = new float[4 * 70];
            m.dequantizeRows(b, 3, 6, band);
            assertThat(Arrays.copyOf(band, 3 * 70)).as("rows 3..6 at %d bits", b)
                    .containsExactly(Arrays.copyOfRange(whole, 3 * 70, 6 * 70));
        }
        assertThatThrownBy(() -> m.dequantizeRows(3, 5, 8, new float[3 * 70]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows 5..8");
        assertThatThrownBy(() -> m.dequantizeRows(3, 0, 2, new float[70]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("into 70 values");
    }

    @Test
    void weightedErrorNeverGrowsWithMoreBits() {
        for (long seed = 1; seed <= 3; seed++) {
            Tensor w = gaussian(8, 128, seed);
            Tensor f = exponentialSensitivity(8, 128, seed + 100);
            AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, f, 2, 6, 100);
            double previous = Double.POSITIVE_INFINITY;
            for (int b = 2; b <= 6; b++) {
                double err = weightedError(w, m.dequantize(b), f);
                assertThat(err).as("seed %d, %d bits", seed, b).isLessThanOrEqualTo(previous);
                previous = err;
            }
        }
    }

    @Test
    void beatsRoundToNearestInSensitivityWeightedErrorOnGaussianRows() {
        Tensor w = gaussian(16, 256, 31L);
        Tensor f = exponentialSensitivity(16, 256, 32L);
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, f, 2, 4, 100);
        for (int b = 2; b <= 4; b++) {
            double anyPrecision = weightedError(w, m.dequantize(b), f);
            double rtn = weightedError(w, RtnQuantizer.roundTrip(w, b, 0).data(), f);
            assertThat(anyPrecision).as("%d bits", b).isLessThan(rtn);
        }
    }

    @Test
    void aHeavilyWeightedValueIsReproducedAlmostExactly() {
        Tensor w = gaussian(1, 64, 41L);
        float[] f = ones(1, 64).data();
        float heavy = w.data()[17];
        f[17] = 1e6f;
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, new Tensor("f", new int[] {1, 64}, f), 2, 4, 100);
        for (int b = 2; b <= 4; b++) {
            // Within fp16 rounding of the centroid, not the spacing of a 2^b-level grid.
            assertThat(m.dequantize(b)[17]).as("%d bits", b).isCloseTo(heavy, offset(Math.abs(heavy) * 1e-3f + 1e-4f));
        }
    }

    @Test
    void sameInputsGiveIdenticalPlanesAndTables() {
        Tensor w = gaussian(7, 90, 51L);
        Tensor f = exponentialSensitivity(7, 90, 52L);
        AnyPrecisionLinear a = AnyPrecisionLinear.quantize(w, f, 3, 6, 100);
        AnyPrecisionLinear b = AnyPrecisionLinear.quantize(w, f, 3, 6, 100);
        assertThat(a).isEqualTo(b);
        for (int p = 0; p < 6; p++) {
            assertThat(a.planes().plane(p)).containsExactly(b.planes().plane(p));
        }
        for (int bits = 3; bits <= 6; bits++) {
            assertThat(a.table(bits)).containsExactly(b.table(bits));
        }
    }

    @Test
    void rowsSpreadOverThreadsGiveTheCodesAndTablesOfEachRowQuantizedAlone() {
        int rows = 300;
        int cols = 40;
        Tensor w = gaussian(rows, cols, 61L);
        Tensor f = exponentialSensitivity(rows, cols, 62L);
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(w, f, 2, 4, 100);
        int[] codes = m.codes(4);
        for (int r = 0; r < rows; r++) {
            double[] v = new double[cols];
            double[] s = new double[cols];
            for (int c = 0; c < cols; c++) {
                v[c] = w.data()[r * cols + c];
                s[c] = f.data()[r * cols + c];
            }
            AnyPrecisionLinear.RowCodes alone = AnyPrecisionLinear.quantizeRow(v, s, 2, 4, 100);
            assertThat(Arrays.copyOfRange(codes, r * cols, (r + 1) * cols)).as("row %d", r)
                    .containsExactly(alone.codes());
            for (int b = 2; b <= 4; b++) {
                short[] expected = new short[1 << b];
                for (int c = 0; c < expected.length; c++) {
                    expected[c] = Fp16.encode(alone.centres()[b - 2][c], "centroid");
                }
                assertThat(Arrays.copyOfRange(m.table(b), r << b, (r + 1) << b)).as("row %d, %d bits", r, b)
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void aRowOfEqualValuesOrZeroSensitivityIsStillReproduced() {
        float[] data = new float[2 * 20];
        Arrays.fill(data, 0, 20, 0.25f);
        for (int i = 20; i < 40; i++) {
            data[i] = i * 0.01f;
        }
        float[] f = new float[40];
        Arrays.fill(f, 0, 20, 1f);
        // Row 1 has no sensitivity at all: it is clustered unweighted rather than collapsing.
        AnyPrecisionLinear m = AnyPrecisionLinear.quantize(new Tensor("w", new int[] {2, 20}, data),
                new Tensor("f", new int[] {2, 20}, f), 2, 4, 100);
        float[] q = m.dequantize(4);
        for (int i = 0; i < 20; i++) {
            assertThat(q[i]).isEqualTo(0.25f);
        }
        double rowError = 0;
        for (int i = 20; i < 40; i++) {
            rowError += (q[i] - data[i]) * (q[i] - data[i]);
        }
        assertThat(rowError).isLessThan(1e-3);
    }

    @Test
    void aNegativeOrMisshapedSensitivityIsRefused() {
        Tensor w = gaussian(2, 8, 61L);
        float[] f = ones(2, 8).data();
        f[11] = -1f;
        assertThatThrownBy(() -> AnyPrecisionLinear.quantize(w, new Tensor("f", new int[] {2, 8}, f), 2, 4, 10))
                .hasMessageContaining("row 1 column 3").hasMessageContaining("-1.0").hasMessageContaining(">= 0");
        assertThatThrownBy(() -> AnyPrecisionLinear.quantize(w, ones(8, 2), 2, 4, 10))
                .hasMessageContaining("[8, 2]").hasMessageContaining("[2, 8]");
    }
}
