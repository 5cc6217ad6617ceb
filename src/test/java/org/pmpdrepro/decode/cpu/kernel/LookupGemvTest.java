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
 * The 16-bit table-lookup kernel for uniform grids, and for Any-Precision at 2 bits, against the scalar reference
 * (every weight decoded from its bits, products summed in double), on shapes that are not multiples of the 32-row
 * blocks or 16-column chunks.
 *
 * <p>Tolerance, fixed before the first run: the kernel rounds the input's table sums to integers on a scale per
 * segment, so a row may differ from the reference by the kernel's own {@link LookupGemv#roundingBound} (derived
 * from the rounding, not fitted) plus fp32 rounding of the sums, {@code 1e-5 * sum_c |w x|}.
 *
 * <p>The typical error is a separate check, set to 1e-3 before the first run: on Gaussian inputs and grids whose
 * weights centre near zero (offset -0.4, scale 0.05), the root-mean-square error over the rows' root-mean-square
 * result. The kernel's first form (sums rounded to 1023 steps per 128 columns, one accumulator) measured 3.8e-4 to
 * 1.7e-3 and failed it at 4 bits; the kernel was then made finer (8191 steps per 64 columns, an accumulator per
 * nibble) for the engine's sake (its greedy tokens), and measures 3.6e-5, 9.5e-5, 1.4e-4 and 8.8e-5 at 2, 3, 4 and 8
 * bits. Any-Precision at 2 bits (the same check and threshold, set before its first run; centroids Gaussian, 0.05
 * wide) measures 1.8e-4.
 */
@Tag("unit")
class LookupGemvTest {

    private static final OffHeap MEMORY = new OffHeap();

    @AfterAll
    static void release() {
        MEMORY.close();
    }

    private static LookupGemv uniform(Random r, int rows, int cols, int bits, int groupCols, boolean runs) {
        int run = runs ? groupCols : 0;
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes(r, rows, cols, bits), rows, cols, bits, run, MEMORY,
                "w");
        int width = Math.min(groupCols, cols);
        int groups = (cols + width - 1) / width;
        return LookupGemv.uniform(planes, groupCols, halves(r, rows * groups, 0.1, -0.4),
                halves(r, rows * groups, 0.01, 0.05), "w");
    }

    /** Every row within the kernel's rounding bound (plus fp32 rounding) of the reference. */
    private static void assertWithinTheBound(LookupGemv w, float[] x) {
        float[] y = new float[w.rows()];
        w.multiply(x, y);
        double[] ref = w.multiplyReference(x);
        Gemv.Prepared prepared = w.prepare(x);
        for (int row = 0; row < w.rows(); row++) {
            double magnitude = 0;
            for (int c = 0; c < w.cols(); c++) {
                magnitude += Math.abs((double) w.weight(row, c) * x[c]);
            }
            assertThat((double) y[row]).as("row %d", row).isCloseTo(ref[row],
                    within(w.roundingBound(prepared, row) + 1e-5 * magnitude + 1e-12));
        }
    }

    /** A one-row product's rounding bound is {@code expected}, and its error at least 98% of it and within it. */
    private static void assertTheErrorReachesTheBound(LookupGemv w, float[] x, double expected) {
        float[] y = new float[1];
        w.multiply(x, y);
        double exact = w.multiplyReference(x)[0];
        double bound = w.roundingBound(w.prepare(x), 0);
        assertThat(bound).isCloseTo(expected, within(1e-6 * expected));
        assertThat(Math.abs(y[0] - exact)).isBetween(0.98 * bound, bound + 1e-5 * exact);
    }

    /** The root-mean-square error of a product over the rows' root-mean-square result. */
    private static double relativeRmsError(LookupGemv w, float[] x) {
        float[] y = new float[w.rows()];
        w.multiply(x, y);
        double[] ref = w.multiplyReference(x);
        double error = 0;
        double size = 0;
        for (int row = 0; row < w.rows(); row++) {
            error += (y[row] - ref[row]) * (y[row] - ref[row]);
            size += ref[row] * ref[row];
        }
        return Math.sqrt(error / size);
    }

    /** The same product on 1, 2, 3 and 16 threads and over a copy of the planes, bit for bit. */
    private static void assertBitIdenticalWhateverTheThreadsAndOnACopy(LookupGemv w, LookupGemv.Planes planes,
            float[] x) {
        float[] one = new float[w.rows()];
        w.multiply(x, one);
        for (int threads : new int[] {2, 3, 16}) {
            float[] y = new float[w.rows()];
            try (RowThreads pool = new RowThreads(threads)) {
                pool.multiply(w, x, y);
            }
            assertThat(y).as("%d threads", threads).containsExactly(one);
        }
        float[] copied = new float[w.rows()];
        w.withPlanes(planes.copy(MEMORY)).multiply(x, copied);
        assertThat(copied).containsExactly(one);
    }

    @ParameterizedTest(name = "{2} bits, groups of {3}, [{0}, {1}]")
    @CsvSource({"45, 130, 2, 128", "64, 256, 3, 128", "33, 272, 4, 64", "70, 384, 8, 128", "31, 130, 3, 1000",
            "31, 130, 3, 130", "5, 10, 2, 11", "1, 4, 1, 4", "40, 600, 4, 600", "32, 512, 2, 16"})
    void productsAreWithinTheRoundingBoundOfTheReference(int rows, int cols, int bits, int groupCols) {
        Random r = new Random(rows * 31L + cols + bits);
        boolean runs = groupCols < cols && groupCols % LookupGemv.CHUNK != 0;
        assertWithinTheBound(uniform(r, rows, cols, bits, groupCols, runs), input(r, cols));
    }

    @ParameterizedTest(name = "{2} bits, groups of {3} padded to whole chunks, [{0}, {1}]")
    @CsvSource({"45, 130, 3, 6", "33, 100, 2, 7", "40, 13, 4, 5", "17, 64, 3, 21", "20, 400, 4, 136"})
    void groupsNotAMultipleOfSixteenColumnsArePaddedAndWithinTheBound(int rows, int cols, int bits, int groupCols) {
        Random r = new Random(rows * 13L + cols + bits + groupCols);
        assertWithinTheBound(uniform(r, rows, cols, bits, groupCols, true), input(r, cols));
    }

    @Test
    void onGaussianInputsTheErrorIsBelowOneThousandthOfTheRowsRootMeanSquare() {
        Random r = new Random(11);
        for (int bits : new int[] {2, 3, 4, 8}) {
            LookupGemv w = uniform(r, 256, 1024, bits, 128, false);
            assertThat(relativeRmsError(w, input(r, 1024))).as("%d bits: rms error over rms result", bits)
                    .isLessThan(1e-3);
        }
    }

    /**
     * The bound is tight: an input built so that the four sums a row picks in one chunk all lose just under half a
     * step in the same direction gives an error within 2% of the bound (a bound that was only safe, say doubled by
     * a slip, would fail here).
     */
    @Test
    void theRoundingBoundIsReachedByAnInputWhosePicksAllRoundTheSameWay() {
        // One row, 16 columns (one chunk, one segment), 1 bit: column 4m has code 1, the others 0, so the row picks
        // x[4m] from each of the chunk's four tables; weights 0 + code * 1.
        int[] codes = new int[16];
        for (int m = 0; m < 4; m++) {
            codes[4 * m] = 1;
        }
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes, 1, 16, 1, 0, MEMORY, "tight");
        LookupGemv w = LookupGemv.uniform(planes, 16, new short[] {Float.floatToFloat16(0f)},
                new short[] {Float.floatToFloat16(1f)}, "tight");
        float u = 1f / 1024;
        float[] x = new float[16];
        // The segment's largest table sum, x[0] + x[1], is 8191 steps of u, so its scale is u; each picked x[4m] is
        // 0.499 of a step above a whole number of steps and rounds down (an error of 0.998 of the bound).
        x[0] = 100.499f * u;
        x[1] = 8191 * u - x[0];
        x[4] = 200.499f * u;
        x[8] = 400.499f * u;
        x[12] = 600.499f * u;
        assertTheErrorReachesTheBound(w, x, 2 * u);
    }

    /**
     * Any-Precision's bound is tight too (same criterion, set before the first run): centroids 0, 1, 1, 3 for codes
     * 0..3 expand to 0 + h + l + (h AND l), three coefficients of 1, and in each group of 4 columns the row's codes 2,
     * 1 and 3 make its three looked-up sums x[4m] + x[4m+2], x[4m+1] + x[4m+2] and x[4m+2]; each is built 0.499 of a
     * step above a whole number of steps, so all twelve picks round down together.
     */
    @Test
    void anyPrecisionsRoundingBoundIsReachedByAnInputWhosePicksAllRoundTheSameWay() {
        int[] codes = new int[16];
        for (int m = 0; m < 4; m++) {
            codes[4 * m] = 2;
            codes[4 * m + 1] = 1;
            codes[4 * m + 2] = 3;
        }
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes, 1, 16, 2, 0, MEMORY, "tight");
        short[] tables = new short[4];
        float[] centroids = {0f, 1f, 1f, 3f};
        for (int q = 0; q < 4; q++) {
            tables[q] = Float.floatToFloat16(centroids[q]);
        }
        LookupGemv w = LookupGemv.anyPrecision(planes, 2, tables, "tight");
        float u = 1f / 1024;
        float[] x = new float[16];
        for (int m = 0; m < 4; m++) {
            x[4 * m + 2] = (100 * m + 10.499f) * u;
            x[4 * m] = 20 * u;
            x[4 * m + 1] = 30 * u;
        }
        // Group 0's full sum, the segment's largest table sum, is 8191 steps of u, so the scale is u.
        x[3] = 8191 * u - (x[0] + x[1] + x[2]);
        assertTheErrorReachesTheBound(w, x, 6 * u);
    }

    @Test
    void aProductIsBitIdenticalWhateverTheThreadsAndOnACopyOfThePlanes() {
        Random r = new Random(5);
        int rows = 300;
        int cols = 1000;
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes(r, rows, cols, 3), rows, cols, 3, 0, MEMORY, "w");
        int groups = (cols + 127) / 128;
        LookupGemv w = LookupGemv.uniform(planes, 128, halves(r, rows * groups, 0.1, 0),
                halves(r, rows * groups, 0.01, 0.02), "w");
        assertBitIdenticalWhateverTheThreadsAndOnACopy(w, planes, input(r, cols));
    }

    @Test
    void randomPlanesMultiplyLikeTheirOwnCodesPacked() {
        LookupGemv.Planes random = LookupGemv.Planes.random(64, 256, 4, 9, MEMORY);
        int[] codes = new int[64 * 256];
        int[] seen = new int[16];
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 256; c++) {
                codes[r * 256 + c] = random.code(r, c);
                seen[codes[r * 256 + c]]++;
            }
        }
        assertThat(seen).as("every 4-bit code occurs").doesNotContain(0);
        LookupGemv.Planes packed = LookupGemv.Planes.pack(codes, 64, 256, 4, 0, MEMORY, "w");
        Random r = new Random(4);
        short[] offsets = halves(r, 64 * 2, 0.1, 0);
        short[] scales = halves(r, 64 * 2, 0.01, 0.02);
        float[] x = input(r, 256);
        float[] a = new float[64];
        float[] b = new float[64];
        LookupGemv.uniform(random, 128, offsets, scales, "w").multiply(x, a);
        LookupGemv.uniform(packed, 128, offsets, scales, "w").multiply(x, b);
        assertThat(a).containsExactly(b);
    }

    @Test
    void aBBitProductReadsBPlanesAndItsFp16OffsetsAndScales() {
        Random r = new Random(6);
        for (int bits = 1; bits <= 4; bits++) {
            LookupGemv w = uniform(r, 64, 256, bits, 128, false);
            // two row blocks, 16 chunks of 64 bytes a plane; an fp16 offset and scale per row and group
            assertThat(w.bytesRead()).as("%d bits", bits).isEqualTo(bits * 2L * 16 * 64 + 2L * 2 * 64 * 2);
            assertThat(w.label()).isEqualTo("uniform-" + bits + "b-g128-lut16");
        }
    }

    private static LookupGemv anyPrecision(Random r, int rows, int cols, int stored) {
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes(r, rows, cols, stored), rows, cols, stored, 0, MEMORY,
                "w");
        return LookupGemv.anyPrecision(planes, 2, halves(r, rows * 4, 0.05, 0), "w");
    }

    @ParameterizedTest(name = "Any-Precision 2 bits of {2}, [{0}, {1}]")
    @CsvSource({"45, 130, 2", "64, 512, 4", "33, 1000, 3", "5, 10, 2", "1, 4, 2", "70, 4096, 4", "32, 64, 2"})
    void anyPrecisionProductsAreWithinTheRoundingBoundOfTheReference(int rows, int cols, int stored) {
        Random r = new Random(rows * 17L + cols + stored);
        assertWithinTheBound(anyPrecision(r, rows, cols, stored), input(r, cols));
    }

    @Test
    void anyPrecisionOnGaussianInputsHasAnErrorBelowOneThousandthOfTheRowsRootMeanSquare() {
        Random r = new Random(12);
        LookupGemv w = anyPrecision(r, 256, 4096, 4);
        assertThat(relativeRmsError(w, input(r, 4096))).as("rms error over rms result").isLessThan(1e-3);
    }

    @Test
    void anyPrecisionReadsItsTwoPlanesOfFourAndIsBitIdenticalWhateverTheThreads() {
        Random r = new Random(8);
        int rows = 300;
        int cols = 1000;
        LookupGemv.Planes planes = LookupGemv.Planes.pack(codes(r, rows, cols, 4), rows, cols, 4, 0, MEMORY, "w");
        short[] tables = halves(r, rows * 4, 0.05, 0);
        LookupGemv w = LookupGemv.anyPrecision(planes, 2, tables, "w");
        assertThat(w.label()).isEqualTo("any-precision-2b-lut16");
        // 10 row blocks, 63 chunks of 64 bytes a plane, 2 planes; 4 fp32 coefficients a row of the 10 blocks
        assertThat(w.bytesRead()).isEqualTo(10 * 2L * 63 * 64 + 10 * 32 * 4 * 4);
        assertThat(w.weight(7, 9)).as("the top 2 of the code's 4 bits")
                .isEqualTo(Float.float16ToFloat(tables[7 * 4 + (planes.code(7, 9) >> 2)]));
        assertBitIdenticalWhateverTheThreadsAndOnACopy(w, planes, input(r, cols));
    }

    @Test
    void anyPrecisionBadInputIsRefusedNamingWhatAndWhere() {
        LookupGemv.Planes planes = LookupGemv.Planes.pack(new int[64], 2, 32, 3, 0, MEMORY, "w");
        assertThatThrownBy(() -> LookupGemv.anyPrecision(planes, 3, new short[16], "layer 1 up"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 1 up: width 3 on planes of 3 bits; the 16-bit lookup kernel serves Any-Precision"
                        + " at 2 bits (planes of 2 or more bits)");
        LookupGemv.Planes one = LookupGemv.Planes.pack(new int[64], 2, 32, 1, 0, MEMORY, "w");
        assertThatThrownBy(() -> LookupGemv.anyPrecision(one, 2, new short[8], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planes of 1 bits");
        LookupGemv.Planes runs = LookupGemv.Planes.pack(new int[64], 2, 32, 3, 8, MEMORY, "w");
        assertThatThrownBy(() -> LookupGemv.anyPrecision(runs, 2, new short[8], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs of 8 columns");
        assertThatThrownBy(() -> LookupGemv.anyPrecision(planes, 2, new short[7], "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("w: 7 table entries; expected 8 ([2, 4])");
        short[] nan = new short[8];
        nan[6] = (short) 0x7e00;
        assertThatThrownBy(() -> LookupGemv.anyPrecision(planes, 2, nan, "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table entry 2 of row 1 is an fp16 infinity or NaN");
    }

    @Test
    void badInputIsRefusedNamingWhatAndWhere() {
        assertThatThrownBy(() -> LookupGemv.Planes.pack(new int[] {0, 1, 2, 8}, 2, 2, 3, 0, MEMORY, "layer 0 q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer 0 q: row 1 column 1 has code 8; expected 0..7");
        assertThatThrownBy(() -> LookupGemv.Planes.pack(new int[5], 2, 3, 2, 0, MEMORY, "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w: 5 codes for [2, 3]; expected 6");
        assertThatThrownBy(() -> LookupGemv.Planes.pack(new int[4], 2, 2, 9, 0, MEMORY, "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("w: 9 bits; expected 1..8");
        LookupGemv.Planes planes = LookupGemv.Planes.pack(new int[64], 2, 32, 3, 0, MEMORY, "w");
        assertThatThrownBy(() -> LookupGemv.uniform(planes, 8, new short[8], new short[8], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups of 8 columns");
        LookupGemv.Planes runs = LookupGemv.Planes.pack(new int[64], 2, 32, 3, 8, MEMORY, "w");
        assertThatThrownBy(() -> LookupGemv.uniform(runs, 16, new short[4], new short[4], "w"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs of 8");
        assertThatThrownBy(() -> LookupGemv.uniform(planes, 16, new short[3], new short[4], "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 offsets and 4 scales; expected 4 each ([2, 2])");
        short[] inf = new short[4];
        inf[3] = (short) 0x7c00;
        assertThatThrownBy(() -> LookupGemv.uniform(planes, 16, new short[4], inf, "w"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scale of row 1 group 1 is an fp16 infinity or NaN");
        assertThatThrownBy(() -> LookupGemv.Planes.random(33, 32, 2, 1, MEMORY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows a multiple of 32");
        LookupGemv w = LookupGemv.uniform(planes, 16, new short[4], new short[4], "w");
        assertThatThrownBy(() -> w.multiply(new float[3], new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input of 3");
        assertThatThrownBy(() -> w.multiply(new float[32], new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output of 1; expected 2");
    }
}
