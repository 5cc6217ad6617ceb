package org.pmpdrepro.quant.gptq;

import java.util.Comparator;
import java.util.stream.IntStream;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.MinMaxGrid;

/**
 * GPTQ on one matrix given its input Hessian (Frantar et al. 2023, Algorithm 1): quantize the columns one at a
 * time, spreading each column's rounding error over the columns not yet quantized through the upper Cholesky
 * factor of {@code H^-1}, with the updates of columns beyond the current block of {@code blockSize} applied lazily
 * once per block. Everything runs in double on the heap, each weight updated in a fixed order (rows are shared among
 * threads, never split; {@link RowKernels} keeps each weight's order whatever its vector width), so it is
 * deterministic and independent of the number of threads and of the SIMD width.
 */
final class GptqSolver {

    /** Columns of the lazy update done together (a strip of U of block x strip doubles stays in cache). */
    private static final int LAZY_STRIP = 512;

    private GptqSolver() {}

    /**
     * What GPTQ derives from one Hessian, whatever matrix reads that input: the columns that never see input, the
     * quantization order, and the upper Cholesky factor of the dampened inverse in that order. Matrices that share an
     * input (q/k/v, gate/up) share one.
     */
    record Prepared(int size, boolean[] dead, int[] perm, double[] u) {}

    /** {@link Prepared} of {@code hessian} under {@code settings}; {@code name} names the matrix in errors. */
    static Prepared prepare(InputHessian hessian, GptqQuantizer settings, String name) {
        int cols = hessian.size();
        double[] h = hessian.values();
        boolean[] dead = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            if (h[c * cols + c] == 0) {
                dead[c] = true;
                h[c * cols + c] = 1;
            }
        }
        int[] perm = settings.actOrder() ? descendingDiagonal(h, cols) : IntStream.range(0, cols).toArray();
        h = permuteSymmetric(h, cols, perm);
        return new Prepared(cols, dead, perm, upperInverseFactor(h, cols, settings.dampening(), name));
    }

    static GptqCodes quantize(Tensor weight, InputHessian hessian, int bits, GptqQuantizer settings) {
        requireColumns(weight, hessian.size());
        return quantize(weight, prepare(hessian, settings, weight.name()), bits, settings);
    }

    private static void requireColumns(Tensor weight, int size) {
        if (weight.dim(1) != size) {
            throw new IllegalArgumentException("gptq: tensor '" + weight.name() + "' has " + weight.dim(1)
                    + " input columns but its Hessian is " + size + " x " + size);
        }
    }

    static GptqCodes quantize(Tensor weight, Prepared prepared, int bits, GptqQuantizer settings) {
        requireColumns(weight, prepared.size());
        int rows = weight.dim(0);
        int cols = weight.dim(1);
        String name = weight.name();
        double[] w = new double[rows * cols];
        float[] source = weight.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = source[i];
        }
        int groupSize = settings.grouping().groupSize(cols, bits);
        boolean grouped = groupSize < cols;
        int groups = Math.ceilDiv(cols, groupSize);
        boolean staticGroups = grouped && settings.staticGroups();
        String where = "gptq: tensor '" + name + "'";
        // Without groups the row grid comes from the weights as given, before dead columns are zeroed (as the
        // reference does).
        MinMaxGrid[] rowGrids = new MinMaxGrid[rows];
        if (!grouped) {
            for (int r = 0; r < rows; r++) {
                rowGrids[r] = MinMaxGrid.of(w, r * cols, (r + 1) * cols, bits, where + " row " + r);
            }
        }

        for (int c = 0; c < cols; c++) {
            if (prepared.dead()[c]) {
                // A column that never sees input: its weight cannot matter; quantize it as zero.
                for (int r = 0; r < rows; r++) {
                    w[r * cols + c] = 0;
                }
            }
        }
        // Static groups: fitted once, on the weights before any feedback, by original column index.
        MinMaxGrid[][] groupGrids = staticGroups ? new MinMaxGrid[groups][rows] : null;
        if (staticGroups) {
            for (int g = 0; g < groups; g++) {
                int to = Math.min(cols, (g + 1) * groupSize);
                for (int r = 0; r < rows; r++) {
                    groupGrids[g][r] = MinMaxGrid.of(w, r * cols + g * groupSize, r * cols + to, bits,
                            where + " row " + r + " group " + g);
                }
            }
        }
        int[] perm = prepared.perm();
        w = permuteColumns(w, rows, cols, perm);
        double[] u = prepared.u();

        byte[] codes = new byte[rows * cols];
        short[] offsets = new short[rows * groups];
        short[] scales = new short[rows * groups];
        int[] groupIndex = new int[cols];
        for (int i = 0; i < cols; i++) {
            groupIndex[perm[i]] = staticGroups ? perm[i] / groupSize : i / groupSize;
        }
        int block = settings.blockSize();
        double[] wq = w;
        double[] uq = u;
        // Rows are independent given U: each row's weights see the same updates in the same order however the rows
        // are shared among threads, so the codes do not depend on the number of threads.
        Cholesky.forRowChunks(0, rows, (r0, r1) -> {
            double[] err = new double[(r1 - r0) * block];
            MinMaxGrid[] dynamic = new MinMaxGrid[r1 - r0];
            for (int i1 = 0; i1 < cols; i1 += block) {
                int i2 = Math.min(i1 + block, cols);
                for (int r = r0; r < r1; r++) {
                    int e0 = (r - r0) * block;
                    for (int i = i1; i < i2; i++) {
                        int original = perm[i];
                        int g = groupIndex[original];
                        MinMaxGrid grid;
                        if (staticGroups) {
                            grid = groupGrids[g][r];
                        } else if (!grouped) {
                            grid = rowGrids[r];
                        } else {
                            if (i % groupSize == 0) {
                                // Dynamic groups: runs of the quantization order, fitted to the weights with the
                                // feedback of every column quantized so far. Columns past this block still wait for
                                // the lazy update of the block's earlier columns, so it is applied to a copy here.
                                // (The reference fits the block's stale copy instead, which makes the grid depend
                                // on the block size.)
                                int to = Math.min(cols, i + groupSize);
                                double[] run = new double[to - i];
                                for (int c = i; c < to; c++) {
                                    double v = wq[r * cols + c];
                                    for (int k = i1; c >= i2 && k < i; k++) {
                                        v -= err[e0 + (k - i1)] * uq[k * cols + c];
                                    }
                                    run[c - i] = v;
                                }
                                dynamic[r - r0] = MinMaxGrid.of(run, 0, run.length, bits,
                                        where + " row " + r + " group " + g);
                            }
                            grid = dynamic[r - r0];
                        }
                        offsets[r * groups + g] = grid.offsetBits();
                        scales[r * groups + g] = grid.scaleBits();
                        double wi = wq[r * cols + i];
                        int q = grid.code(wi);
                        codes[r * cols + original] = (byte) q;
                        double e = (wi - grid.value(q)) / uq[i * cols + i];
                        err[e0 + (i - i1)] = e;
                        // Feedback inside the block now; beyond it, lazily below.
                        RowKernels.one(wq, r * cols + i + 1, uq, i * cols + i + 1, e, i2 - i - 1);
                    }
                }
                // The lazy update, a strip of columns at a time so the strip of U stays in cache across rows, two
                // rows at a time so each value of U loaded serves both.
                for (int j0 = i2; j0 < cols; j0 += LAZY_STRIP) {
                    int j1 = Math.min(cols, j0 + LAZY_STRIP);
                    int r = r0;
                    for (; r + 2 <= r1; r += 2) {
                        RowKernels.subtractRowsPair(wq, r * cols + j0, (r + 1) * cols + j0, err, (r - r0) * block,
                                (r + 1 - r0) * block, 1, uq, i1 * cols + j0, cols, i2 - i1, j1 - j0);
                    }
                    for (; r < r1; r++) {
                        lazyUpdate(wq, r * cols, err, (r - r0) * block, uq, i1, i2 - i1, cols, j0, j1);
                    }
                }
            }
        });
        return new GptqCodes(rows, cols, bits, groups, indexStored(settings.actOrder(), staticGroups, groups), codes,
                offsets, scales, groupIndex, where + " at " + bits + " bits");
    }

    /**
     * {@code w[wr + j] -= err[e0 + k] * u[(i1 + k) * cols + j]} for {@code k = 0..count-1} in that order, for every
     * {@code j} in {@code [j0, j1)} ({@link RowKernels}: the one-at-a-time loop's result, bit for bit).
     */
    static void lazyUpdate(double[] w, int wr, double[] err, int e0, double[] u, int i1, int count, int cols, int j0,
            int j1) {
        RowKernels.subtractRows(w, wr + j0, err, e0, 1, u, i1 * cols + j0, cols, count, j1 - j0);
    }

    /**
     * Whether a matrix's group index must be stored: only when act-order forms groups from runs of the permuted
     * order; with static groups (or in order) a column's group is its index divided by the group size.
     */
    static boolean indexStored(boolean actOrder, boolean staticGroups, int groups) {
        return actOrder && !staticGroups && groups > 1;
    }

    /** Columns by descending Hessian diagonal, ties in column order (act-order). */
    private static int[] descendingDiagonal(double[] h, int n) {
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -h[c * n + c]).thenComparingInt(c -> c))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double[] permuteColumns(double[] w, int rows, int cols, int[] perm) {
        double[] out = new double[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = w[r * cols + perm[c]];
            }
        }
        return out;
    }

    private static double[] permuteSymmetric(double[] h, int n, int[] perm) {
        double[] out = new double[h.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = h[perm[i] * n + perm[j]];
            }
        }
        return out;
    }

    /** The upper Cholesky factor of {@code (H + damp I)^-1}, damp a fraction of the mean diagonal. */
    private static double[] upperInverseFactor(double[] h, int n, double dampening, String name) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += h[i * n + i];
        }
        mean /= n;
        double[] damped = h.clone();
        for (int i = 0; i < n; i++) {
            damped[i * n + i] += dampening * mean;
        }
        try {
            double[] inverse = Cholesky.inverseFromLower(Cholesky.lower(damped, n), n);
            return Cholesky.upper(inverse, n);
        } catch (Cholesky.NotPositiveDefinite e) {
            throw new IllegalArgumentException("gptq: tensor '" + name + "': the dampened Hessian (dampening "
                    + dampening + " of the mean diagonal " + mean + ") is not positive definite: " + e.getMessage()
                    + "; raise the dampening or add calibration sequences", e);
        }
    }
}
