package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pmpdrepro.quant.RandomMatrices.gaussian;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.MinMaxGrid;

/**
 * Act-order against a plain-loop reference that never permutes anything: it quantizes the columns of the original
 * matrix in a given order and, after each, spreads the error over the columns still to come with the inverse Hessian
 * of exactly those columns (the optimal-brain-surgeon update GPTQ's Cholesky form computes in permuted order). The
 * solver must agree with it in the order of descending {@code diag(H)} and, once un-permuted, put every code back in
 * its own column.
 */
@Tag("unit")
class GptqActOrderTest {

    private static final int ROWS = 6;
    private static final int COLS = 24;
    private static final double DAMP = 0.01;

    /** Columns by descending diagonal, found by repeated selection of the largest remaining one (ties: lower index). */
    static int[] descendingByHand(InputHessian h) {
        int n = h.size();
        boolean[] taken = new boolean[n];
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            int best = -1;
            for (int c = 0; c < n; c++) {
                if (!taken[c] && (best < 0 || h.get(c, c) > h.get(best, best))) {
                    best = c;
                }
            }
            taken[best] = true;
            order[k] = best;
        }
        return order;
    }

    /**
     * The reference: columns of {@code weight} quantized in {@code order}, all in original positions. Grids: one per
     * row from the weights as given ({@code groupSize == cols}); static groups by original index, fitted before any
     * feedback; or dynamic groups, runs of {@code groupSize} columns of {@code order} fitted when the run starts.
     */
    static float[] reference(Tensor weight, InputHessian hessian, int bits, int[] order, int groupSize,
            boolean staticGroups) {
        int rows = weight.dim(0);
        int n = weight.dim(1);
        double[][] w = new double[rows][n];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < n; c++) {
                w[r][c] = weight.data()[r * n + c];
            }
        }
        MinMaxGrid[][] grid = new MinMaxGrid[rows][n];
        if (groupSize >= n) {
            for (int r = 0; r < rows; r++) {
                MinMaxGrid g = MinMaxGrid.of(w[r], 0, n, bits, "row " + r);
                for (int c = 0; c < n; c++) {
                    grid[r][c] = g;
                }
            }
        } else if (staticGroups) {
            for (int r = 0; r < rows; r++) {
                for (int from = 0; from < n; from += groupSize) {
                    MinMaxGrid g = MinMaxGrid.of(w[r], from, Math.min(n, from + groupSize), bits, "group");
                    for (int c = from; c < Math.min(n, from + groupSize); c++) {
                        grid[r][c] = g;
                    }
                }
            }
        }
        double[][] hinv = invert(damped(hessian));
        List<Integer> remaining = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            remaining.add(c);
        }
        float[] q = new float[rows * n];
        for (int k = 0; k < n; k++) {
            int col = order[k];
            if (groupSize < n && !staticGroups && k % groupSize == 0) {
                int len = Math.min(groupSize, n - k);
                for (int r = 0; r < rows; r++) {
                    double[] run = new double[len];
                    for (int i = 0; i < len; i++) {
                        run[i] = w[r][order[k + i]];
                    }
                    MinMaxGrid g = MinMaxGrid.of(run, 0, len, bits, "run");
                    for (int i = 0; i < len; i++) {
                        grid[r][order[k + i]] = g;
                    }
                }
            }
            remaining.remove(Integer.valueOf(col));
            double d = hinv[col][col];
            for (int r = 0; r < rows; r++) {
                MinMaxGrid g = grid[r][col];
                float value = g.value(g.code(w[r][col]));
                q[r * n + col] = value;
                double err = (w[r][col] - value) / d;
                for (int j : remaining) {
                    w[r][j] -= err * hinv[col][j];
                }
            }
            // The inverse Hessian of the columns still to come: eliminate the quantized one.
            double[][] next = new double[n][n];
            for (int i : remaining) {
                for (int j : remaining) {
                    next[i][j] = hinv[i][j] - hinv[i][col] * hinv[col][j] / d;
                }
            }
            hinv = next;
        }
        return q;
    }

    private static double[][] damped(InputHessian h) {
        int n = h.size();
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += h.get(i, i) / n;
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = h.get(i, j) + (i == j ? DAMP * mean : 0);
            }
        }
        return out;
    }

    /** Gauss-Jordan with partial pivoting. */
    private static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                pivot = Math.abs(m[r][c]) > Math.abs(m[pivot][c]) ? r : pivot;
            }
            double[] t = m[c];
            m[c] = m[pivot];
            m[pivot] = t;
            double p = m[c][c];
            for (int j = 0; j < 2 * n; j++) {
                m[c][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inv[i], 0, n);
        }
        return inv;
    }

    private static void assertAgree(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            // Same grid, same code: the two forms differ only in the rounding of the feedback arithmetic.
            assertThat(actual[i]).as("row %d column %d", i / COLS, i % COLS).isEqualTo(expected[i]);
        }
    }

    @ParameterizedTest(name = "{0} bits, seed {1}")
    @CsvSource({"2,1", "3,2", "4,3"})
    void perRowActOrderEqualsThePlainLoopInDescendingDiagonalOrderAndNotInColumnOrder(int bits, long seed) {
        Tensor w = gaussian(ROWS, COLS, seed);
        InputHessian h = GptqSolverTest.correlated(COLS, seed + 10);
        int[] order = descendingByHand(h);
        assertThat(order).as("the diagonal is not already descending").isNotEqualTo(identity());
        GptqQuantizer gptq = GptqQuantizer.defaults().withActOrder(true).withBlockSize(5);
        float[] actOrder = gptq.quantizeMatrix(w, h, bits).data();
        assertAgree(actOrder, reference(w, h, bits, order, COLS, false));
        // Teeth: the order matters for this matrix, so a solver that ignored act-order would fail the line above.
        assertThat(actOrder).isNotEqualTo(reference(w, h, bits, identity(), COLS, false));
        assertAgree(gptq.withActOrder(false).quantizeMatrix(w, h, bits).data(),
                reference(w, h, bits, identity(), COLS, false));
    }

    @ParameterizedTest(name = "{0} bits, groups of {1}, static {2}")
    @CsvSource({"2,8,true", "3,6,true", "4,8,false", "3,10,false"})
    void groupedActOrderEqualsThePlainLoopWithGroupsAsTheReferenceFormsThem(int bits, int groupSize,
            boolean staticGroups) {
        Tensor w = gaussian(ROWS, COLS, 40L + bits);
        InputHessian h = GptqSolverTest.correlated(COLS, 41L + bits);
        GptqQuantizer gptq = GptqQuantizer.defaults().withActOrder(true).withGroupSize(groupSize)
                .withStaticGroups(staticGroups).withBlockSize(7);
        GptqCodes codes = GptqSolver.quantize(w, h, bits, gptq);
        assertAgree(codes.dequantize(), reference(w, h, bits, descendingByHand(h), groupSize, staticGroups));
        int[] index = codes.groupIndex();
        for (int c = 0; c < COLS; c++) {
            if (staticGroups) {
                // Static groups: a column's group is its own index's, and nothing else needs storing.
                assertThat(index[c]).as("column %d", c).isEqualTo(c / groupSize);
            } else {
                // Dynamic groups: the k-th run of the descending-diagonal order.
                int rank = 0;
                while (descendingByHand(h)[rank] != c) {
                    rank++;
                }
                assertThat(index[c]).as("column %d", c).isEqualTo(rank / groupSize);
            }
        }
        long entries = 2L * ROWS * Math.ceilDiv(COLS, groupSize);
        assertThat(codes.tableEntries()).isEqualTo(staticGroups ? entries : entries + COLS);
    }

    @ParameterizedTest(name = "{0} bits")
    @CsvSource({"2", "3", "4"})
    void equalBytesGroupsOnTheFixtureShapesAreTheDocumentedSizes(int bits) {
        Grouping g = GptqQuantizer.equalBytes().grouping();
        assertThat(g.groupSize(192, bits)).isEqualTo(192 >> (bits - 1));
        assertThat(g.groupSize(1024, bits)).isEqualTo(1024 >> (bits - 1));
        assertThat(g.groups(192, bits)).isEqualTo(1 << (bits - 1));
    }

    private static int[] identity() {
        int[] out = new int[COLS];
        for (int i = 0; i < COLS; i++) {
            out[i] = i;
        }
        return out;
    }
}
