package org.pmpdrepro.quant.gptq;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The dense symmetric positive-definite linear algebra GPTQ needs, in double, row-major {@code [n, n]}.
 *
 * <p>Every entry is computed by the textbook recurrences, each sum over {@code k} in ascending order with a
 * separate multiply and subtract (Java never fuses them): the result does not depend on how the work is split. The
 * loops are arranged for speed only: a block of {@link #BLOCK} columns is carried along together, so that one
 * pass over a row serves the whole block and the innermost loop runs over independent sums ({@link RowKernels},
 * SIMD lanes where the JVM has the vector module), four terms of each sum at a time (still in ascending order), two
 * rows per pass sharing each loaded value, and the rows {@code k} taken a cache-sized chunk at a time; independent
 * rows or column blocks are shared among the common fork-join pool's threads. Padding a sum with leading terms
 * whose factor is an exact zero leaves it bit-identical ({@code +0 - (+-0) == +0}), which is how the inverse
 * handles the triangular part of a block; adding a product is subtracting the product with one factor negated,
 * exactly.
 */
final class Cholesky {

    /** Columns carried together (the innermost, vectorised loop). */
    static final int BLOCK = 64;
    /** Rows of a factor or inverse taken together by the row kernels (a chunk stays in cache meanwhile). */
    private static final int K_CHUNK = 64;
    /** Columns of the inverse's sums taken together. */
    private static final int J_STRIP = 256;
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
            // The block's rows transposed, bt[k][jj] = L[from + jj][k], zero where k >= from + jj: the columns
            // before the block now, the block's own triangle once it is computed.
            double[] bt = new double[to * width];
            for (int jj = 0; jj < width; jj++) {
                int row = (from + jj) * n;
                for (int k = 0; k < from; k++) {
                    bt[k * width + jj] = l[row + k];
                }
            }
            // The block's own rows: the terms k < from of every entry with the row kernels (own[r][jj] takes
            // L[from + r][k] L[from + jj][k], the product the recurrence subtracts), then the terms inside the
            // block column by column as the recurrence orders them.
            double[] own = new double[width * width];
            for (int r = 0; r < width; r++) {
                System.arraycopy(a, (from + r) * n + from, own, r * width, width);
            }
            int r = 0;
            for (; r + 2 <= width; r += 2) {
                RowKernels.subtractRowsPair(own, r * width, (r + 1) * width, l, (from + r) * n, (from + r + 1) * n, 1,
                        bt, 0, width, from, width);
            }
            if (r < width) {
                RowKernels.subtractRows(own, r * width, l, (from + r) * n, 1, bt, 0, width, from, width);
            }
            for (int j = from; j < to; j++) {
                double d = own[(j - from) * width + j - from];
                for (int k = from; k < j; k++) {
                    d -= l[j * n + k] * l[j * n + k];
                }
                if (!(d > 0)) {
                    throw new NotPositiveDefinite("pivot " + j + " is " + d + " (not positive)");
                }
                double ljj = Math.sqrt(d);
                l[j * n + j] = ljj;
                for (int i = j + 1; i < to; i++) {
                    double v = own[(i - from) * width + j - from];
                    for (int k = from; k < j; k++) {
                        v -= l[i * n + k] * l[j * n + k];
                    }
                    l[i * n + j] = v / ljj;
                }
            }
            if (to == n) {
                break;
            }
            for (int jj = 0; jj < width; jj++) {
                int row = (from + jj) * n;
                for (int k = from; k < from + jj; k++) {
                    bt[k * width + jj] = l[row + k];
                }
            }
            int first = to;
            forRowChunks(first, n, (i0, i1) -> {
                // Terms k < from for every column of the block at once, K_CHUNK rows of bt at a time for all the
                // chunk's rows (so that part of bt stays in cache), two rows of L per pass; then, row by row and
                // column by column, the terms inside the block, whose L[i][k] the earlier columns have just written.
                double[] s = new double[(i1 - i0) * width];
                for (int i = i0; i < i1; i++) {
                    System.arraycopy(a, i * n + from, s, (i - i0) * width, width);
                }
                for (int k0 = 0; k0 < from; k0 += K_CHUNK) {
                    int count = Math.min(K_CHUNK, from - k0);
                    int i = i0;
                    for (; i + 2 <= i1; i += 2) {
                        RowKernels.subtractRowsPair(s, (i - i0) * width, (i + 1 - i0) * width, l, i * n + k0,
                                (i + 1) * n + k0, 1, bt, k0 * width, width, count, width);
                    }
                    if (i < i1) {
                        RowKernels.subtractRows(s, (i - i0) * width, l, i * n + k0, 1, bt, k0 * width, width, count,
                                width);
                    }
                }
                for (int i = i0; i < i1; i++) {
                    int row = i * n;
                    int s0 = (i - i0) * width;
                    for (int jj = 0; jj < width; jj++) {
                        double sj = s[s0 + jj];
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
            // Row i needs rows from..i-1 of the block: rows in groups of K_CHUNK; for a group, first the terms of
            // the rows before it (K_CHUNK rows of xt at a time for every row of the group, two rows per pass), then
            // inside the group row by row, each row finished before the next takes it.
            double[] s = new double[K_CHUNK * width];
            for (int g0 = from; g0 < n; g0 += K_CHUNK) {
                int g1 = Math.min(n, g0 + K_CHUNK);
                Arrays.fill(s, 0);
                // A column c > k has X[k][c] = 0: its sum is padded with exact zeros until k reaches c.
                for (int k0 = from; k0 < g0; k0 += K_CHUNK) {
                    int count = Math.min(K_CHUNK, g0 - k0);
                    int i = g0;
                    for (; i + 2 <= g1; i += 2) {
                        RowKernels.subtractRowsPair(s, (i - g0) * width, (i + 1 - g0) * width, l, i * n + k0,
                                (i + 1) * n + k0, 1, xt, (k0 - from) * width, width, count, width);
                    }
                    if (i < g1) {
                        RowKernels.subtractRows(s, (i - g0) * width, l, i * n + k0, 1, xt, (k0 - from) * width,
                                width, count, width);
                    }
                }
                for (int i = g0; i < g1; i++) {
                    int row = i * n;
                    int s0 = (i - g0) * width;
                    RowKernels.subtractRows(s, s0, l, row + g0, 1, xt, (g0 - from) * width, width, i - g0, width);
                    double lii = l[row + i];
                    int b = (i - from) * width;
                    for (int jj = 0; jj < width; jj++) {
                        int c = from + jj;
                        double x = c < i ? s[s0 + jj] / lii : c == i ? 1 / lii : 0;
                        xt[b + jj] = x;
                        li[row + c] = x;
                    }
                }
            }
        });
        double[] inv = new double[n * n];
        // inv[i][j] = sum_k X[k][i] X[k][j] for j <= i: a block of BLOCK rows i per task. Written as
        // sums[i][j] -= (-X[k][i]) X[k][j] (negating a factor and subtracting the product is exact, so these are the
        // additions' bits), rows k inside the block first (only rows i <= k take them), then every row k below, all
        // in ascending k. Columns j go a strip at a time and rows k a chunk at a time so that the strip of the sums
        // and the chunk of X stay in cache while every row i takes them.
        int tasks = Math.ceilDiv(n, BLOCK);
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int i0 = t * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            int rows = i1 - i0;
            double[] sums = new double[rows * i1];
            double[] coef = new double[rows * n];
            for (int i = i0; i < i1; i++) {
                for (int k = i; k < n; k++) {
                    coef[(i - i0) * n + k] = -li[k * n + i];
                }
            }
            for (int j0 = 0; j0 < i1; j0 += J_STRIP) {
                int j1 = Math.min(i1, j0 + J_STRIP);
                for (int k = i0; k < i1; k++) {
                    for (int i = i0; i <= k; i++) {
                        int len = Math.min(i + 1, j1) - j0;
                        if (len > 0) {
                            RowKernels.one(sums, (i - i0) * i1 + j0, li, k * n + j0, coef[(i - i0) * n + k], len);
                        }
                    }
                }
                for (int k0 = i1; k0 < n; k0 += K_CHUNK) {
                    int count = Math.min(K_CHUNK, n - k0);
                    int i = i0;
                    for (; i + 2 <= i1; i += 2) {
                        int lenA = Math.max(0, Math.min(i + 1, j1) - j0);
                        int lenB = Math.max(0, Math.min(i + 2, j1) - j0);
                        int ya = (i - i0) * i1 + j0;
                        int yb = (i + 1 - i0) * i1 + j0;
                        RowKernels.subtractRowsPair(sums, ya, yb, coef, (i - i0) * n + k0, (i + 1 - i0) * n + k0, 1,
                                li, k0 * n + j0, n, count, lenA);
                        if (lenB > lenA) {
                            RowKernels.subtractRows(sums, yb + lenA, coef, (i + 1 - i0) * n + k0, 1, li,
                                    k0 * n + j0 + lenA, n, count, lenB - lenA);
                        }
                    }
                    if (i < i1) {
                        int len = Math.min(i + 1, j1) - j0;
                        RowKernels.subtractRows(sums, (i - i0) * i1 + j0, coef, (i - i0) * n + k0, 1, li,
                                k0 * n + j0, n, count, len);
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = sums[(i - i0) * i1 + j];
                    inv[i * n + j] = v;
                    inv[j * n + i] = v;
                }
            }
        });
        return inv;
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
