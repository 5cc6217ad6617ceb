package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row kernels against the one-term-at-a-time loop, compared bit for bit ({@link Arrays#equals(double[],
 * double[])} compares the bits of every entry): the SIMD kernels directly, and whichever implementation this JVM
 * dispatches to. Lengths cover empty rows, rows shorter than one vector, and vector bodies with scalar tails.
 */
@Tag("unit")
class RowKernelsTest {

    /** The reference: each term on its own, in ascending k. */
    private static void reference(double[] y, int yo, double[] c, int co, int cs, double[] x, int xo, int xs,
            int count, int len) {
        for (int k = 0; k < count; k++) {
            for (int j = 0; j < len; j++) {
                y[yo + j] -= c[co + k * cs] * x[xo + k * xs + j];
            }
        }
    }

    private static double[] gaussian(Random random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            // Some exact zeros and negative zeros among them, as the triangular factors have.
            int pick = random.nextInt(10);
            a[i] = pick == 0 ? 0.0 : pick == 1 ? -0.0 : random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3);
        }
        return a;
    }

    @ParameterizedTest(name = "{0} terms over {1} columns")
    @CsvSource({"0,7", "1,0", "1,1", "3,3", "4,4", "5,5", "7,17", "8,64", "9,301", "13,1", "64,257"})
    void oneRowEqualsTheTermAtATimeLoop(int count, int len) {
        Random random = new Random(31L * count + len);
        int xs = len + 5;
        double[] x = gaussian(random, 3 + count * xs + len);
        double[] c = gaussian(random, 2 + 3 * count);
        double[] y = gaussian(random, len + 4);
        double[] expected = y.clone();
        reference(expected, 2, c, 1, 3, x, 3, xs, count, len);
        RowKernels.subtractRows(y, 2, c, 1, 3, x, 3, xs, count, len);
        assertThat(Arrays.equals(expected, y)).isTrue();
    }

    @ParameterizedTest(name = "{0} terms over {1} columns, two rows")
    @CsvSource({"0,7", "1,0", "1,1", "3,3", "4,4", "5,5", "7,17", "8,64", "9,301", "13,1", "64,257"})
    void twoRowsEqualTheTermAtATimeLoop(int count, int len) {
        Random random = new Random(17L * count + len);
        int xs = len + 3;
        double[] x = gaussian(random, 1 + count * xs + len);
        double[] c = gaussian(random, 2 * count + 7);
        int ya = 1;
        int yb = len + 6;
        double[] y = gaussian(random, 2 * len + 9);
        double[] expected = y.clone();
        reference(expected, ya, c, 0, 2, x, 1, xs, count, len);
        reference(expected, yb, c, 1, 2, x, 1, xs, count, len);
        RowKernels.subtractRowsPair(y, ya, yb, c, 0, 1, 2, x, 1, xs, count, len);
        assertThat(Arrays.equals(expected, y)).isTrue();
    }

    @ParameterizedTest(name = "{0} columns")
    @CsvSource({"0", "1", "3", "4", "5", "8", "31", "64", "301"})
    void theSimdKernelsEqualTheScalarLoops(int len) {
        // The build and the test run add the vector module; a JVM started without it (an IDE) cannot load the kernels.
        assumeTrue(RowKernels.VECTORISED, "run with --add-modules jdk.incubator.vector (the Maven build does)");
        Random random = new Random(len);
        double[] x = gaussian(random, 4 * len + 4);
        double[] c = gaussian(random, 8);
        double[] y = gaussian(random, 2 * len + 2);
        double[] scalar = y.clone();
        double[] simd = y.clone();

        RowKernels.scalarOne(scalar, 1, x, 2, c[0], len);
        VectorRowKernels.one(simd, 1, x, 2, c[0], len);
        assertThat(Arrays.equals(scalar, simd)).isTrue();

        RowKernels.scalarFour(scalar, 0, 0, x, 0, len, 2 * len, 3 * len, c[0], c[1], c[2], c[3], len);
        VectorRowKernels.four(simd, 0, x, 0, len, 2 * len, 3 * len, c[0], c[1], c[2], c[3], len);
        assertThat(Arrays.equals(scalar, simd)).isTrue();

        RowKernels.scalarFour(scalar, 0, 0, x, 1, len + 1, 2 * len + 1, 3 * len + 1, c[0], c[1], c[2], c[3], len);
        RowKernels.scalarFour(scalar, len + 1, 0, x, 1, len + 1, 2 * len + 1, 3 * len + 1, c[4], c[5], c[6], c[7],
                len);
        VectorRowKernels.fourPair(simd, 0, len + 1, x, 1, len + 1, 2 * len + 1, 3 * len + 1, c[0], c[1], c[2], c[3],
                c[4], c[5], c[6], c[7], len);
        assertThat(Arrays.equals(scalar, simd)).isTrue();
    }
}
