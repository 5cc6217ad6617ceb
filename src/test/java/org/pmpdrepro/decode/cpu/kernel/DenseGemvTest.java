package org.pmpdrepro.decode.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fp32 and fp16 kernels against the scalar reference; the fp16 kernel's widening against the JDK's, exhaustively.
 */
@Tag("unit")
class DenseGemvTest {

    private static final OffHeap MEMORY = new OffHeap();

    @AfterAll
    static void release() {
        MEMORY.close();
    }

    /**
     * Every finite fp16 value, in index order (negative zero included, though a product's sum cannot tell it from
     * zero).
     */
    static float[] everyFiniteHalf() {
        float[] v = new float[1 << 16];
        int n = 0;
        for (int h = 0; h < 1 << 16; h++) {
            if ((h & 0x7c00) != 0x7c00) {
                v[n++] = Float.float16ToFloat((short) h);
            }
        }
        return Arrays.copyOf(v, n);
    }

    @Test
    void theFp16KernelWidensEveryFiniteHalfAsTheJdkDoesInBothHalvesOfALane() {
        // 96 columns: 64 through the kernel's two-register loop, 32 through its one-register loop, none through the
        // scalar tail. Two matrices, the second shifted by one position, so that every half is read once as the low
        // and once as the high half of a lane, each beside varied neighbours (no bit of one half may leak into the
        // other).
        float[] halves = everyFiniteHalf();
        int n = halves.length;
        int cols = 96;
        int rows = (n + cols - 1) / cols + 1;
        for (int shift = 0; shift <= 1; shift++) {
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = halves[(int) ((((long) i + shift) % n) * 7919L % n)];
            }
            DenseGemv m = DenseGemv.of(w, rows, cols, DenseGemv.Element.F16, MEMORY, "every half");
            float[] y = new float[rows];
            for (int c = 0; c < cols; c++) {
                float[] x = new float[cols];
                x[c] = 1f;
                m.multiply(x, y);
                for (int r = 0; r < rows; r++) {
                    if (y[r] != w[r * cols + c]) {
                        throw new AssertionError("shift " + shift + ", column " + c + ", row " + r + ": fp16 "
                                + w[r * cols + c] + " came out as " + y[r]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{2}, [{0}, {1}]")
    @CsvSource({"5, 7, F32", "37, 130, F32", "40, 4096, F32", "5, 7, F16", "37, 130, F16", "17, 1000, F16",
            "3, 4097, F16", "9, 64, F16"})
    void productsMatchTheReference(int rows, int cols, DenseGemv.Element element) {
        Random r = new Random(rows + cols);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.05 * r.nextGaussian());
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) r.nextGaussian();
        }
        DenseGemv m = DenseGemv.of(w, rows, cols, element, MEMORY, "w");
        float[] y = new float[rows];
        try (RowThreads pool = new RowThreads(2)) {
            pool.multiply(m, x, y);
        }
        double[] ref = m.multiplyReference(x);
        for (int row = 0; row < rows; row++) {
            double magnitude = 0;
            for (int c = 0; c < cols; c++) {
                magnitude += Math.abs((double) m.weight(row, c) * x[c]);
                if (element == DenseGemv.Element.F32) {
                    assertThat(m.weight(row, c)).isEqualTo(w[row * cols + c]);
                }
            }
            assertThat((double) y[row]).as("row %d", row).isCloseTo(ref[row], within(1e-5 * magnitude + 1e-12));
        }
    }

    @Test
    void weightsOutsideTheStoredRangeAreRefusedByPosition() {
        assertThatThrownBy(() -> DenseGemv.of(new float[] {0, 1e6f}, 1, 2, DenseGemv.Element.F16, MEMORY, "up"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("up: weight 1000000.0 at row 0 column 1 is outside the fp16 range");
        assertThatThrownBy(() -> DenseGemv.of(new float[] {Float.NaN, 0}, 2, 1, DenseGemv.Element.F32, MEMORY, "up"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0 column 0 is NaN");
    }
}
