package org.pmpdrepro.decode.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pmpdrepro.decode.cpu.kernel.PlaneGemvTest.codes;
import static org.pmpdrepro.decode.cpu.kernel.PlaneGemvTest.halves;
import static org.pmpdrepro.decode.cpu.kernel.PlaneGemvTest.input;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Any-Precision's in-register kernel against the scalar reference (each weight read bit by bit from its planes and
 * looked up in its row's fp16 table, products summed in double), on shapes with and without a padded last group of
 * 512 columns, and against the bit-plane lookup kernel on the same codes.
 *
 * <p>Tolerance, fixed before the first run: the kernel sums the products {@code w x} in fp32 in its own order, so a
 * row may differ from the double reference by a few fp32 roundings of the sum's magnitude: {@code 1e-5 * sum_c |w x|}
 * (the uniform kernels' bound).
 */
@Tag("unit")
class CentroidGemvTest {

    private static final OffHeap MEMORY = new OffHeap();

    @AfterAll
    static void release() {
        MEMORY.close();
    }

    private static void assertMatchesTheReference(Gemv w, float[] x) {
        float[] y = new float[w.rows()];
        w.multiply(x, y);
        double[] ref = w.multiplyReference(x);
        for (int row = 0; row < w.rows(); row++) {
            double magnitude = 0;
            for (int c = 0; c < w.cols(); c++) {
                magnitude += Math.abs((double) w.weight(row, c) * x[c]);
            }
            assertThat((double) y[row]).as("row %d", row).isCloseTo(ref[row], within(1e-5 * magnitude + 1e-12));
        }
    }

    @ParameterizedTest(name = "any-precision {2} of {3} bits, [{0}, {1}]")
    @CsvSource({"45, 130, 1, 4", "45, 130, 2, 4", "64, 256, 3, 4", "77, 516, 4, 4", "32, 8, 3, 3", "40, 132, 2, 2",
        "17, 1100, 4, 4", "3, 1024, 3, 4", "1, 1, 1, 1", "5, 16, 2, 4", "6, 527, 3, 4", "33, 1024, 4, 4",
        "40, 2048, 2, 4"})
    void productsMatchTheReference(int rows, int cols, int width, int stored) {
        Random r = new Random(rows * 17L + cols + width);
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(codes(r, rows, cols, stored), rows, cols, stored,
                MEMORY, "w");
        assertMatchesTheReference(CentroidGemv.anyPrecision(planes, width, halves(r, rows << width, 0.05, 0), "w"),
                input(r, cols));
    }

    @Test
    void theStoredCodesAreTheGivenOnesAndEachWidthReadsTheirTopBits() {
        Random r = new Random(4);
        int rows = 5;
        int cols = 700;
        int[] codes = codes(r, rows, cols, 4);
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(codes, rows, cols, 4, MEMORY, "w");
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < cols; c++) {
                for (int width = 1; width <= 4; width++) {
                    assertThat(planes.code(row, c, width)).as("(%d, %d) at %d bits", row, c, width)
                            .isEqualTo(codes[row * cols + c] >> (4 - width));
                }
            }
        }
    }

    @Test
    void theReferenceReadsTheTopBitsOfTheStoredCodeThroughTheTable() {
        int[] codes = {0b1011, 0b0110, 0b1111, 0b0001};
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(codes, 1, 4, 4, MEMORY, "w");
        short[] tables = new short[4];
        for (int q = 0; q < 4; q++) {
            tables[q] = Float.floatToFloat16(q + 0.5f);
        }
        CentroidGemv w2 = CentroidGemv.anyPrecision(planes, 2, tables, "w");
        assertThat(new float[] {w2.weight(0, 0), w2.weight(0, 1), w2.weight(0, 2), w2.weight(0, 3)})
                .containsExactly(2.5f, 1.5f, 3.5f, 0.5f);
        float[] y = new float[1];
        w2.multiply(new float[] {1, 10, 100, 1000}, y);
        assertThat(y[0]).isEqualTo(2.5f + 15f + 350f + 500f);
    }

    @Test
    void itServesTheSameWeightsAsTheBitPlaneLookupKernel() {
        Random r = new Random(8);
        int rows = 70;
        int cols = 600;
        int[] codes = codes(r, rows, cols, 4);
        CentroidGemv.Planes rowPlanes = CentroidGemv.Planes.pack(codes, rows, cols, 4, MEMORY, "w");
        PlaneGemv.Planes blockPlanes = PlaneGemv.Planes.pack(codes, rows, cols, 4, MEMORY, "w");
        for (int width = 1; width <= 4; width++) {
            short[] tables = halves(r, rows << width, 0.05, 0);
            CentroidGemv a = CentroidGemv.anyPrecision(rowPlanes, width, tables, "w");
            PlaneGemv b = PlaneGemv.anyPrecision(blockPlanes, width, tables, "w");
            for (int row = 0; row < rows; row++) {
                for (int c = 0; c < cols; c++) {
                    assertThat(a.weight(row, c)).as("(%d, %d) at %d bits", row, c, width).isEqualTo(b.weight(row, c));
                }
            }
        }
    }

    @Test
    void aProductIsBitIdenticalWhateverTheThreadsAndOnACopyOfThePlanes() {
        Random r = new Random(5);
        int rows = 300;
        int cols = 1000;
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(codes(r, rows, cols, 4), rows, cols, 4, MEMORY, "w");
        CentroidGemv ap = CentroidGemv.anyPrecision(planes, 3, halves(r, rows << 3, 0.05, 0), "w");
        float[] x = input(r, cols);
        float[] one = new float[rows];
        ap.multiply(x, one);
        for (int threads : new int[] {2, 3, 16}) {
            float[] y = new float[rows];
            try (RowThreads pool = new RowThreads(threads)) {
                pool.multiply(ap, x, y);
            }
            assertThat(y).as("%d threads", threads).containsExactly(one);
        }
        float[] copied = new float[rows];
        ap.withPlanes(planes.copy(MEMORY)).multiply(x, copied);
        assertThat(copied).containsExactly(one);
    }

    @Test
    void randomPlanesMultiplyLikePackedOnesOfTheirCodes() {
        int rows = 20;
        int cols = 600;
        CentroidGemv.Planes a = CentroidGemv.Planes.random(rows, cols, 3, 5L, MEMORY);
        int[] codes = new int[rows * cols];
        int[] seen = new int[8];
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < cols; c++) {
                codes[row * cols + c] = a.code(row, c, 3);
                seen[codes[row * cols + c]]++;
            }
        }
        for (int code = 0; code < 8; code++) {
            assertThat(seen[code]).as("code %d: about 1500 of 12000", code).isBetween(1300, 1700);
        }
        Random r = new Random(9);
        short[] tables = halves(r, rows << 3, 0.05, 0);
        float[] x = input(r, cols);
        float[] fromRandom = new float[rows];
        float[] fromPacked = new float[rows];
        CentroidGemv.anyPrecision(a, 3, tables, "random").multiply(x, fromRandom);
        CentroidGemv.anyPrecision(CentroidGemv.Planes.pack(codes, rows, cols, 3, MEMORY, "packed"), 3, tables,
                "packed").multiply(x, fromPacked);
        assertThat(fromRandom).as("the random padding multiplies the input's zero padding").containsExactly(fromPacked);
    }

    @Test
    void aBWidthProductReadsBPlanesOfEveryRowAndItsTables() {
        Random r = new Random(6);
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(codes(r, 10, 600, 4), 10, 600, 4, MEMORY, "w");
        long planeBytes = 2 * 64; // two groups of 512 columns, the second padded
        assertThat(planes.byteSize()).as("rows are stored in whole blocks of 16").isEqualTo(16L * 4 * planeBytes);
        for (int width = 1; width <= 4; width++) {
            CentroidGemv w = CentroidGemv.anyPrecision(planes, width, halves(r, 10 << width, 0.05, 0), "w");
            assertThat(w.bytesRead()).as("width %d", width)
                    .isEqualTo(10L * width * planeBytes + 10L * 4 * (1 << width));
        }
    }

    @Test
    void badInputIsRefusedNamingWhatAndWhere() {
        assertThatThrownBy(() -> CentroidGemv.Planes.pack(new int[] {0, 1, 2, 8}, 2, 2, 3, MEMORY, "layer 0 q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 0 q: row 1 column 1 has code 8; expected 0..7");
        assertThatThrownBy(() -> CentroidGemv.Planes.pack(new int[5], 2, 3, 2, MEMORY, "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w: 5 codes for [2, 3]; expected 6");
        assertThatThrownBy(() -> CentroidGemv.Planes.pack(new int[0], 0, 3, 2, MEMORY, "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape [0, 3]");
        CentroidGemv.Planes planes = CentroidGemv.Planes.pack(new int[8], 2, 4, 3, MEMORY, "w");
        assertThatThrownBy(() -> CentroidGemv.anyPrecision(planes, 4, new short[32], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 4; expected 1..3");
        assertThatThrownBy(() -> CentroidGemv.anyPrecision(planes, 2, new short[7], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w: 7 table entries; expected 8 ([2, 4])");
        short[] nan = new short[8];
        nan[5] = (short) 0x7e00;
        assertThatThrownBy(() -> CentroidGemv.anyPrecision(planes, 2, nan, "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table entry 1 of row 1 is an fp16 infinity or NaN");
        CentroidGemv w = CentroidGemv.anyPrecision(planes, 2, new short[8], "w");
        assertThatThrownBy(() -> w.multiply(new float[3], new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input of 3");
        assertThatThrownBy(() -> w.multiply(new float[4], new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output of 1; expected 2");
        assertThatThrownBy(() -> w.withPlanes(CentroidGemv.Planes.pack(new int[8], 2, 4, 4, MEMORY, "w")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another shape");
    }
}
