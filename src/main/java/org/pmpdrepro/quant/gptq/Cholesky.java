package org.pmpdrepro.quant.gptq;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The dense symmetric positive-definite linear algebra GPTQ needs, in double, row-major {@code [n, n]}.
 *
 * <p>Every entry is computed by the textbook recurrences, each sum over {@code k} in ascending order with a
 * separate multiply and subtract (Java never fuses them): the result does not depend on how the work is split. The
 * loops are arranged for speed only: a block of {@link #BLOCK} columns is carried along together, so that one
 * pass over a row serves the whole block and the innermost loop runs over independent sums the compiler can
 * vectorise, four terms of each sum at a time (still in ascending order) with the sum in a register; independent
 * rows or column blocks are shared among the common fork-join pool's threads. Padding a sum with leading terms
 * whose factor is an exact zero leaves it bit-identical ({@code +0 - (+-0) == +0}), which is how the inverse
 * handles the triangular part of a block.
 */
final class Cholesky {

    /** Columns carried together (the innermost, vectorised loop). */
    static final int BLOCK = 64;
    /** Rows given to one task of the fork-join pool. */
    private static final int ROWS_PER_TASK = 32;

    private Cholesky() {}

    /** Thrown when a matrix is not (numerically) positive definite. */
    static final class NotPositiveDefinite extends Exception {
        NotPositiveDefinite(String message) {
            super(message);
        }
    }

    /**
     * Lower factor {@code L} with {@code a = L L^T}: {@code L[j][j] = sqrt(a[j][j] - sum_k<j L[j][k]^2)} and
     * {@code L[i][j] = (a[i][j] - sum_k<j L[i][k] L[j][k]) / L[j][j]}.
     */
    static double[] lower(double[] a, int n) throws NotPositiveDefinite {
        double[] l = new double[n * n];
        for (int start = 0; start < n; start += BLOCK) {
            int from = start;
            int to = Math.min(n, from + BLOCK);
            int width = to - from;
            // The block's own rows, column by column as the recurrence orders them.
            for (int j = from; j < to; j++) {
                double d = a[j * n + j];
                for (int k = 0; k < j; k++) {
                    d -= l[j * n + k] * l[j * n + k];
                }
                if (!(d > 0)) {
                    throw new NotPositiveDefinite("pivot " + j + " is " + d + " (not positive)");
                }
                double ljj = Math.sqrt(d);
                l[j * n + j] = ljj;
                for (int i = j + 1; i < to; i++) {
                    double s = a[i * n + j];
                    for (int k = 0; k < j; k++) {
                        s -= l[i * n + k] * l[j * n + k];
                    }
                    l[i * n + j] = s / ljj;
                }
            }
            if (to == n) {
                break;
            }
            // The block's rows transposed, bt[k][jj] = L[from + jj][k], zero where k >= from + jj.
            double[] bt = new double[to * width];
            for (int jj = 0; jj < width; jj++) {
                int row = (from + jj) * n;
                for (int k = 0; k < from + jj; k++) {
                    bt[k * width + jj] = l[row + k];
                }
            }
            int first = to;
            forRowChunks(first, n, (i0, i1) -> {
                double[] s = new double[width];
                for (int i = i0; i < i1; i++) {
                    int row = i * n;
                    System.arraycopy(a, row + from, s, 0, width);
                    // Terms k < from for every column of the block at once; then, column by column, the terms
                    // inside the block, whose L[i][k] the earlier columns of this loop have just written.
                    subtractRows(s, l, row, bt, 0, 0, from, width);
                    for (int jj = 0; jj < width; jj++) {
                        double sj = s[jj];
                        int b = from * width + jj;
                        for (int k = from; k < from + jj; k++, b += width) {
                            sj -= l[row + k] * bt[b];
                        }
                        l[row + from + jj] = sj / l[(from + jj) * n + from + jj];
                    }
                }
            });
        }
        return l;
    }

    /**
     * {@code a^-1} from its lower factor: {@code L^-T L^-1}. {@code L^-1} (lower triangular) by forward
     * substitution, {@code X[i][c] = -(sum_{c<=k<i} L[i][k] X[k][c]) / L[i][i]} and {@code X[c][c] = 1 / L[c][c]};
     * then {@code inv[i][j] = sum_{k>=i} X[k][i] X[k][j]} for {@code j <= i}.
     */
    static double[] inverseFromLower(double[] l, int n) {
        double[] li = new double[n * n];
        // Column blocks are independent of each other: one task each.
        IntStream.range(0, Math.ceilDiv(n, BLOCK)).parallel().forEach(t -> {
            int from = t * BLOCK;
            int width = Math.min(n, from + BLOCK) - from;
            // xt[k - from][jj] = X[k][from + jj] for the rows k done so far, zero above the diagonal.
            double[] xt = new double[(n - from) * width];
            double[] s = new double[width];
            // Row i needs rows from..i-1 of the block: rows in order, the block's columns in the inner loop.
            for (int i = from; i < n; i++) {
                Arrays.fill(s, 0);
                int row = i * n;
                // A column c > k has X[k][c] = 0: its sum is padded with exact zeros until k reaches c.
                subtractRows(s, l, row, xt, from, from, i, width);
                double lii = l[row + i];
                int b = (i - from) * width;
                for (int jj = 0; jj < width; jj++) {
                    int c = from + jj;
                    double x = c < i ? s[jj] / lii : c == i ? 1 / lii : 0;
                    xt[b + jj] = x;
                    li[row + c] = x;
                }
            }
        });
        double[] inv = new double[n * n];
        // inv[i][j] for j <= i, a block of rows i at a time so each row k of X is read once per block.
        int tasks = Math.ceilDiv(n, BLOCK);
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int i0 = t * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            double[][] sums = new double[i1 - i0][];
            for (int i = i0; i < i1; i++) {
                sums[i - i0] = new double[i + 1];
            }
            // Rows k inside the block first (only rows i <= k take them), then four rows k at a time: every sum
            // still takes its terms one at a time in ascending k.
            for (int k = i0; k < i1; k++) {
                int row = k * n;
                for (int i = i0; i <= k; i++) {
                    double xki = li[row + i];
                    double[] si = sums[i - i0];
                    for (int j = 0; j <= i; j++) {
                        si[j] += xki * li[row + j];
                    }
                }
            }
            int k = i1;
            for (; k + 4 <= n; k += 4) {
                int r0 = k * n;
                int r1 = r0 + n;
                int r2 = r1 + n;
                int r3 = r2 + n;
                for (int i = i0; i < i1; i++) {
                    double x0 = li[r0 + i];
                    double x1 = li[r1 + i];
                    double x2 = li[r2 + i];
                    double x3 = li[r3 + i];
                    double[] si = sums[i - i0];
                    for (int j = 0; j <= i; j++) {
                        double v = si[j];
                        v += x0 * li[r0 + j];
                        v += x1 * li[r1 + j];
                        v += x2 * li[r2 + j];
                        v += x3 * li[r3 + j];
                        si[j] = v;
                    }
                }
            }
            for (; k < n; k++) {
                int row = k * n;
                for (int i = i0; i < i1; i++) {
                    double xki = li[row + i];
                    double[] si = sums[i - i0];
                    for (int j = 0; j <= i; j++) {
                        si[j] += xki * li[row + j];
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                double[] si = sums[i - i0];
                for (int j = 0; j <= i; j++) {
                    inv[i * n + j] = si[j];
                    inv[j * n + i] = si[j];
                }
            }
        });
        return inv;
    }

    /**
     * {@code s[jj] -= m[row + k] * t[(k - base) * width + jj]} for {@code k} from {@code from} to {@code to - 1} in
     * that order, for every {@code jj < width}. Four values of {@code k} are taken in one pass with the sum held in a
     * register: each sum sees the same subtractions in the same order (Java never fuses a multiply and a subtract),
     * so the result is the one-at-a-time loop's, bit for bit, with a quarter of the loads and stores of {@code s}.
     */
    private static void subtractRows(double[] s, double[] m, int row, double[] t, int base, int from, int to,
            int width) {
        int k = from;
        for (; k + 4 <= to; k += 4) {
            double m0 = m[row + k];
            double m1 = m[row + k + 1];
            double m2 = m[row + k + 2];
            double m3 = m[row + k + 3];
            int b0 = (k - base) * width;
            int b1 = b0 + width;
            int b2 = b1 + width;
            int b3 = b2 + width;
            for (int jj = 0; jj < width; jj++) {
                double v = s[jj];
                v -= m0 * t[b0 + jj];
                v -= m1 * t[b1 + jj];
                v -= m2 * t[b2 + jj];
                v -= m3 * t[b3 + jj];
                s[jj] = v;
            }
        }
        for (; k < to; k++) {
            double mk = m[row + k];
            int b = (k - base) * width;
            for (int jj = 0; jj < width; jj++) {
                s[jj] -= mk * t[b + jj];
            }
        }
    }

    /** Upper factor {@code U} with {@code a = U^T U}: the transpose of the lower factor. */
    static double[] upper(double[] a, int n) throws NotPositiveDefinite {
        double[] l = lower(a, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }

    /** Rows {@code [from, to)} in chunks on the common fork-join pool; each chunk writes only its own rows. */
    static void forRowChunks(int from, int to, RowRange body) {
        int chunks = Math.ceilDiv(to - from, ROWS_PER_TASK);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int r0 = from + c * ROWS_PER_TASK;
            body.run(r0, Math.min(to, r0 + ROWS_PER_TASK));
        });
    }

    /** Work over a range of rows. */
    @FunctionalInterface
    interface RowRange {
        void run(int from, int to);
    }
}
