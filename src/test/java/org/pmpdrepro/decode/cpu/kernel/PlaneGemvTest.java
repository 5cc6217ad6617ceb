package org.pmpdrepro.decode.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bit-plane lookup kernels against the scalar reference (every weight decoded from its bits by the format's
 * rule, products summed in double), on shapes that are not multiples of the 32-row blocks or 4-column groups.
 *
 * <p>Tolerance, fixed before the first run: the kernel reassociates an fp32 sum, so a row may differ from the double
 * reference by a few fp32 roundings of the sum's magnitude: {@code 1e-5 * sum_c |w x|} for uniform grids; for
 * Any-Precision the Moebius coefficients are alternating sums of up to 2^b table entries, so the bound is taken
 * over them: {@code 1e-5 * 2^b * max|table| * sum_c |x|}.
 */
@Tag("unit")
class PlaneGemvTest {

    private static final OffHeap MEMORY = new OffHeap();

    @AfterAll
    static void release() {
        MEMORY.close();
    }

    static int[] codes(Random r, int rows, int cols, int bits) {
        int[] c = new int[rows * cols];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(1 << bits);
        }
        return c;
    }

    static float[] input(Random r, int cols) {
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static short[] halves(Random r, int n, double scale, double shift) {
        short[] h = new short[n];
        for (int i = 0; i < n; i++) {
            h[i] = Float.floatToFloat16((float) (shift + scale * r.nextGaussian()));
        }
        return h;
    }

    /** A uniform grid's product against the reference, within 1e-5 of sum |w x| per row. */
    static void assertUniformMatchesTheReference(PlaneGemv w, float[] x) {
        float[] y = new float[w.rows()];
        w.multiply(x, y);
        double[] ref = w.multiplyReference(x);
        for (int row = 0; row < w.rows(); row++) {
            double magnitude = 0;
            for (int c = 0; c < w.cols(); c++) {
                magnitude += Math.abs((double) w.weight(row, c) * x[c]);
            }
            assertThat((double) y[row]).as("row %d", row).isCloseTo(ref[row],
                    org.assertj.core.api.Assertions.within(1e-5 * magnitude + 1e-12));
        }
    }

    @ParameterizedTest(name = "uniform {2} bits, groups of {3}, [{0}, {1}]")
    @CsvSource({"45, 130, 2, 128", "64, 256, 3, 128", "33, 260, 4, 64", "70, 384, 8, 128", "31, 130, 3, 1000",
            "31, 130, 3, 130", "5, 10, 2, 11", "1, 4, 1, 4"})
    void uniformProductsMatchTheReference(int rows, int cols, int bits, int groupCols) {
        Random r = new Random(rows * 31L + cols + bits);
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(r, rows, cols, bits), rows, cols, bits, MEMORY, "w");
        int groups = (cols + Math.min(groupCols, cols) - 1) / Math.min(groupCols, cols);
        PlaneGemv w = PlaneGemv.uniform(planes, groupCols, halves(r, rows * groups, 0.1, -0.4),
                halves(r, rows * groups, 0.01, 0.05), "w");
        assertUniformMatchesTheReference(w, input(r, cols));
    }

    @ParameterizedTest(name = "uniform {2} bits, groups of {3} padded to whole nibbles, [{0}, {1}]")
    @CsvSource({"45, 130, 3, 6", "33, 100, 2, 7", "40, 13, 4, 5", "17, 64, 3, 21"})
    void uniformGroupsNotAMultipleOfFourColumnsArePaddedAndMatchTheReference(int rows, int cols, int bits,
            int groupCols) {
        Random r = new Random(rows * 13L + cols + bits + groupCols);
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(r, rows, cols, bits), rows, cols, bits, groupCols,
                MEMORY, "w");
        int groups = (cols + groupCols - 1) / groupCols;
        PlaneGemv w = PlaneGemv.uniform(planes, groupCols, halves(r, rows * groups, 0.1, -0.4),
                halves(r, rows * groups, 0.01, 0.05), "w");
        assertUniformMatchesTheReference(w, input(r, cols));
    }

    @ParameterizedTest(name = "any-precision {2} of {3} bits, [{0}, {1}]")
    @CsvSource({"45, 130, 1, 4", "45, 130, 2, 4", "64, 256, 3, 4", "77, 516, 4, 4", "32, 8, 3, 3", "40, 132, 2, 2"})
    void anyPrecisionProductsMatchTheReference(int rows, int cols, int width, int stored) {
        Random r = new Random(rows * 17L + cols + width);
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(r, rows, cols, stored), rows, cols, stored, MEMORY, "w");
        short[] tables = halves(r, rows << width, 0.05, 0);
        PlaneGemv w = PlaneGemv.anyPrecision(planes, width, tables, "w");
        float[] x = input(r, cols);
        float[] y = new float[rows];
        w.multiply(x, y);
        double[] ref = w.multiplyReference(x);
        double sumAbsX = 0;
        for (float v : x) {
            sumAbsX += Math.abs(v);
        }
        for (int row = 0; row < rows; row++) {
            double maxT = 0;
            for (int q = 0; q < 1 << width; q++) {
                maxT = Math.max(maxT, Math.abs(Float.float16ToFloat(tables[row << width | q])));
            }
            assertThat((double) y[row]).as("row %d", row).isCloseTo(ref[row],
                    org.assertj.core.api.Assertions.within(1e-5 * (1 << width) * maxT * sumAbsX + 1e-12));
        }
    }

    @Test
    void theUniformKernelWidensEveryFiniteHalfOffsetAndScaleAsTheJdkDoes() {
        float[] values = DenseGemvTest.everyFiniteHalf();
        int rows = values.length;
        short[] halves = new short[rows];
        for (int r = 0; r < rows; r++) {
            halves[r] = Float.floatToFloat16(values[r]);
        }
        short[] zeros = new short[rows];
        float[] x = {1f, 0f, 0f, 0f};
        float[] y = new float[rows];
        // Codes 0: every weight is its offset. Codes 1 (one bit): every weight is offset 0 plus its scale.
        PlaneGemv.uniform(PlaneGemv.Planes.pack(new int[rows * 4], rows, 4, 1, MEMORY, "w"), 4, halves, zeros, "w")
                .multiply(x, y);
        for (int r = 0; r < rows; r++) {
            if (y[r] != values[r]) {
                throw new AssertionError("offset " + values[r] + " came out as " + y[r]);
            }
        }
        int[] ones = new int[rows * 4];
        Arrays.fill(ones, 1);
        PlaneGemv.uniform(PlaneGemv.Planes.pack(ones, rows, 4, 1, MEMORY, "w"), 4, zeros, halves, "w").multiply(x, y);
        for (int r = 0; r < rows; r++) {
            if (y[r] != values[r]) {
                throw new AssertionError("scale " + values[r] + " came out as " + y[r]);
            }
        }
    }

    @Test
    void randomPlanesAreTheSeedsCodesSpreadOverEveryValueAndMultiplyLikePackedOnes() {
        PlaneGemv.Planes a = PlaneGemv.Planes.random(64, 36, 3, 5L, MEMORY);
        PlaneGemv.Planes b = PlaneGemv.Planes.random(64, 36, 3, 5L, MEMORY);
        int[] codes = new int[64 * 36];
        int[] seen = new int[8];
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 36; c++) {
                codes[r * 36 + c] = a.code(r, c, 3);
                assertThat(b.code(r, c, 3)).isEqualTo(codes[r * 36 + c]);
                seen[codes[r * 36 + c]]++;
            }
        }
        for (int code = 0; code < 8; code++) {
            assertThat(seen[code]).as("code %d: about 288 of 2304", code).isBetween(200, 380);
        }
        Random r = new Random(9);
        short[] offsets = halves(r, 64, 0.01, 0);
        short[] scales = halves(r, 64, 0.01, 0.05);
        float[] x = input(r, 36);
        float[] fromRandom = new float[64];
        float[] fromPacked = new float[64];
        PlaneGemv.uniform(a, 36, offsets, scales, "random").multiply(x, fromRandom);
        PlaneGemv.uniform(PlaneGemv.Planes.pack(codes, 64, 36, 3, MEMORY, "packed"), 36, offsets, scales, "packed")
                .multiply(x, fromPacked);
        assertThat(fromRandom).containsExactly(fromPacked);
        assertThatThrownBy(() -> PlaneGemv.Planes.random(40, 36, 3, 5L, MEMORY))
                .hasMessageContaining("random planes [40, 36]").hasMessageContaining("multiple of 32");
    }

    @Test
    void theReferenceReadsTheTopBitsOfTheStoredCodeThroughTheTable() {
        int[] codes = {0b1011, 0b0110, 0b1111, 0b0001};
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes, 1, 4, 4, MEMORY, "w");
        short[] tables = new short[4];
        for (int q = 0; q < 4; q++) {
            tables[q] = Float.floatToFloat16(q + 0.5f);
        }
        PlaneGemv w2 = PlaneGemv.anyPrecision(planes, 2, tables, "w");
        assertThat(new float[] {w2.weight(0, 0), w2.weight(0, 1), w2.weight(0, 2), w2.weight(0, 3)})
                .containsExactly(2.5f, 1.5f, 3.5f, 0.5f);
        float[] y = new float[1];
        w2.multiply(new float[] {1, 10, 100, 1000}, y);
        assertThat(y[0]).isEqualTo(2.5f + 15f + 350f + 500f);
    }

    @Test
    void aProductIsBitIdenticalWhateverTheThreadsAndOnACopyOfThePlanes() {
        Random r = new Random(5);
        int rows = 300;
        int cols = 1000;
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(r, rows, cols, 4), rows, cols, 4, MEMORY, "w");
        PlaneGemv ap = PlaneGemv.anyPrecision(planes, 3, halves(r, rows << 3, 0.05, 0), "w");
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
    void aBWidthProductReadsBPlanesAndItsSideTables() {
        Random r = new Random(6);
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(r, 64, 128, 4), 64, 128, 4, MEMORY, "w");
        long planeBytes = 2L * 32 * 16; // two row blocks, 32 column groups, 16 bytes each
        for (int width = 1; width <= 4; width++) {
            PlaneGemv w = PlaneGemv.anyPrecision(planes, width, halves(r, 64 << width, 0.05, 0), "w");
            assertThat(w.bytesRead()).as("width %d", width)
                    .isEqualTo(width * planeBytes + 4L * 64 * ((1 << width) - 1) + 4L * 64);
        }
    }

    @Test
    void badInputIsRefusedNamingWhatAndWhere() {
        assertThatThrownBy(() -> PlaneGemv.Planes.pack(new int[] {0, 1, 2, 8}, 2, 2, 3, MEMORY, "layer 0 q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 0 q: row 1 column 1 has code 8; expected 0..7");
        PlaneGemv.Planes planes = PlaneGemv.Planes.pack(new int[8], 2, 4, 3, MEMORY, "w");
        assertThatThrownBy(() -> PlaneGemv.anyPrecision(planes, 4, new short[32], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 4; expected 1..3");
        assertThatThrownBy(() -> PlaneGemv.uniform(planes, 2, new short[4], new short[4], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups of 2 columns");
        PlaneGemv.Planes runs = PlaneGemv.Planes.pack(new int[8], 2, 4, 3, 2, MEMORY, "w");
        assertThatThrownBy(() -> PlaneGemv.uniform(runs, 4, new short[2], new short[2], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs of 2");
        assertThatThrownBy(() -> PlaneGemv.anyPrecision(runs, 2, new short[8], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packed without runs");
        short[] inf = new short[2];
        inf[1] = (short) 0x7c00;
        assertThatThrownBy(() -> PlaneGemv.uniform(planes, 4, new short[2], inf, "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scale of row 1 group 0 is an fp16 infinity or NaN");
        PlaneGemv w = PlaneGemv.uniform(planes, 4, new short[2], new short[2], "w");
        assertThatThrownBy(() -> w.multiply(new float[3], new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input of 3");
        assertThatThrownBy(() -> w.multiply(new float[4], new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output of 1; expected 2");
        try (RowThreads pool = new RowThreads(2)) {
            assertThatThrownBy(() -> pool.multiply(w, new float[4], new float[3]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output of 3; expected 2");
        }
        assertThatThrownBy(() -> PlaneGemv.Planes.pack(new int[5], 2, 3, 2, MEMORY, "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w: 5 codes for [2, 3]; expected 6");
    }
}
