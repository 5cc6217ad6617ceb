package org.pmpdrepro.quant.gptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocked, multi-threaded factorisation and inverse give bit for bit what the textbook loops give (the
 * recurrences written out one entry at a time below), at sizes below, at and across the block width and the row
 * kernels' chunk and strip widths, so GPTQ's codes do not depend on the arrangement of the loops.
 */
@Tag("unit")
class CholeskyTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 63, 64, 65, 130, 131, 200, 203, 300, 517})
    void factorAndInverseEqualTheTextbookLoopsBitForBit(int n) throws Exception {
        double[] a = randomSpd(n, 1000 + n);
        double[] lower = Cholesky.lower(a, n);
        assertArrayEquals(textbookLower(a, n), lower, 0.0, "lower factor");
        assertArrayEquals(textbookInverse(lower, n), Cholesky.inverseFromLower(lower, n), 0.0, "inverse");
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteIsRefused() {
        double[] a = randomSpd(70, 3);
        a[66 * 70 + 66] = -1;
        Cholesky.NotPositiveDefinite e = assertThrows(Cholesky.NotPositiveDefinite.class, () -> Cholesky.lower(a, 70));
        assertTrue(e.getMessage().contains("pivot 66"), e.getMessage());
    }

    /** {@code B B^T / n + I / 10} for a random {@code B}: symmetric positive definite, entries of order one. */
    private static double[] randomSpd(int n, long seed) {
        Random random = new Random(seed);
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                s /= n;
                a[i * n + j] = s;
                a[j * n + i] = s;
            }
            a[i * n + i] += 0.1;
        }
        return a;
    }

    private static double[] textbookLower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    private static double[] textbookInverse(double[] l, int n) {
        double[] li = new double[n * n];
        for (int c = 0; c < n; c++) {
            li[c * n + c] = 1 / l[c * n + c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                for (int k = c; k < i; k++) {
                    s -= l[i * n + k] * li[k * n + c];
                }
                li[i * n + c] = s / l[i * n + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) {
                    s += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }
}
