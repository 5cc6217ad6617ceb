package org.pmpdrepro.decode.cpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fp32 and fp16 kernels against the scalar reference; the vector fp16 widening against the JDK's, exhaustively. */
class DenseGemvTest {

    private static final OffHeap MEMORY = new OffHeap();

    @AfterAll
    static void release() {
        MEMORY.close();
    }

    @Test
    void everyFiniteHalfWidensAsTheJdkWidensIt() {
        int[] lanes = new int[16];
        float[] out = new float[16];
        for (int base = 0; base < 1 << 16; base += 16) {
            for (int i = 0; i < 16; i++) {
                lanes[i] = (short) (base + i);
            }
            Lanes.widenHalf(IntVector.fromArray(Lanes.I, lanes, 0)).intoArray(out, 0);
            for (int i = 0; i < 16; i++) {
                short h = (short) (base + i);
                if ((h & 0x7c00) != 0x7c00) {
                    assertThat(Float.floatToRawIntBits(out[i])).as("fp16 %04x", h & 0xffff)
                            .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(h)));
                }
            }
        }
    }

    @Test
    void everyPairOfFiniteHalvesInOneLaneWidensAsTheJdkWidensThem() {
        int[] lanes = new int[16];
        float[] low = new float[16];
        float[] high = new float[16];
        Random r = new Random(3);
        for (int base = 0; base < 1 << 16; base += 16) {
            for (int i = 0; i < 16; i++) {
                // every half in both positions of one lane
                lanes[i] = (base + i) | (base + i) << 16;
            }
            check(lanes, low, high);
            for (int i = 0; i < 16; i++) {
                // and beside random neighbours, so no bit of one half leaks into the other
                lanes[i] = i % 2 == 0 ? (base + i) | r.nextInt(1 << 16) << 16 : r.nextInt(1 << 16) | (base + i) << 16;
            }
            check(lanes, low, high);
        }
    }

    private static void check(int[] lanes, float[] low, float[] high) {
        IntVector v = IntVector.fromArray(Lanes.I, lanes, 0);
        Lanes.widenLowHalves(v).intoArray(low, 0);
        Lanes.widenHighHalves(v).intoArray(high, 0);
        for (int i = 0; i < 16; i++) {
            short lo = (short) lanes[i];
            short hi = (short) (lanes[i] >>> 16);
            if ((lo & 0x7c00) != 0x7c00) {
                assertThat(Float.floatToRawIntBits(low[i])).as("low fp16 %04x", lo & 0xffff)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(lo)));
            }
            if ((hi & 0x7c00) != 0x7c00) {
                assertThat(Float.floatToRawIntBits(high[i])).as("high fp16 %04x", hi & 0xffff)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(hi)));
            }
        }
    }

    @Test
    void aProductIsBitIdenticalWhateverTheThreads() {
        Random r = new Random(8);
        float[] w = new float[70 * 300];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        float[] x = new float[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (DenseGemv.Element e : DenseGemv.Element.values()) {
            DenseGemv m = DenseGemv.of(w, 70, 300, e, MEMORY, "w");
            float[] one = new float[70];
            m.multiply(x, one);
            for (int threads : new int[] {2, 3, 7}) {
                float[] y = new float[70];
                try (RowThreads pool = new RowThreads(threads)) {
                    pool.multiply(m, x, y);
                }
                assertThat(y).as("%s, %d threads", e, threads).containsExactly(one);
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
