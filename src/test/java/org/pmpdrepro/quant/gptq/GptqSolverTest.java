package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.pmpdrepro.quant.RandomMatrices.gaussian;

import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** GPTQ on hand-made matrices and Hessians, where the answer can be worked out on paper. */
@Tag("unit")
class GptqSolverTest {

    @ParameterizedTest
    @CsvSource({"0", "1", "3", "4", "7", "9", "128"})
    void theUnrolledLazyUpdateEqualsTheOneColumnAtATimeLoopBitForBit(int count) {
        Random random = new Random(count);
        int cols = 301;
        int i1 = 2;
        double[] u = new double[(i1 + count + 1) * cols];
        double[] err = new double[count + 5];
        double[] w = new double[3 * cols];
        for (double[] a : new double[][] {u, err, w}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextGaussian();
            }
        }
        double[] expected = w.clone();
        for (int k = 0; k < count; k++) {
            for (int j = 17; j < 290; j++) {
                expected[cols + j] -= err[3 + k] * u[(i1 + k) * cols + j];
            }
        }
        GptqSolver.lazyUpdate(w, cols, err, 3, u, i1, count, cols, 17, 290);
        // Arrays.equals compares the bits of every entry.
        assertThat(Arrays.equals(expected, w)).isTrue();
    }

    private static final GptqQuantizer DEFAULTS = GptqQuantizer.defaults().withBitWidths(Set.of(2, 3, 4, 8));

    @ParameterizedTest(name = "{0} bits, group size {1}, act-order {2}")
    @CsvSource({"2,-1,false", "3,-1,false", "4,-1,false", "8,-1,false", "2,16,false", "4,16,false", "3,-1,true",
            "3,16,true"})
    void withAnIdentityHessianGptqIsRoundToNearestExactly(int bits, int groupSize, boolean actOrder) {
        Tensor w = gaussian(16, 64, 11L + bits);
        GptqQuantizer gptq = DEFAULTS.withGroupSize(groupSize).withActOrder(actOrder).withBlockSize(24);
        float[] q = gptq.quantizeMatrix(w, InputHessian.identity(64), bits).data();
        // Uncorrelated inputs of equal scale: no column's error is worth compensating anywhere else, and all
        // diagonal entries tie, so act-order keeps the column order.
        assertThat(q).containsExactly(RtnQuantizer.roundTrip(w, bits, groupSize == -1 ? 0 : groupSize).data());
    }

    /**
     * One row {@code [0.4, w1, 3, 0]} at 2 bits: the grid is {0, 1, 2, 3}. Inputs 0 and 1 are correlated
     * ({@code H01 = 0.5}), the others independent. Column 0 rounds to 0 with error 0.4; GPTQ moves it onto column 1
     * as {@code w1 - err * Hinv01 / Hinv00 = w1 + 0.4 * 0.5 / (1 + 0.01)}, with 1% dampening of the mean diagonal
     * 1. So w1 = 1.31 becomes 1.508 and rounds up to 2 where round-to-nearest gives 1; w1 = 1.29 becomes 1.488 and
     * still rounds to 1.
     */
    @ParameterizedTest(name = "w1 = {0} is quantized to {1}")
    @CsvSource({"1.31,2", "1.29,1", "1.5,2", "1.0,1"})
    void errorOfTheFirstColumnIsFedIntoTheCorrelatedSecondAsComputedByHand(float w1, int expected) {
        InputHessian h = InputHessian.of(new double[][] {
            {1, 0.5, 0, 0},
            {0.5, 1, 0, 0},
            {0, 0, 1, 0},
            {0, 0, 0, 1}});
        Tensor w = new Tensor("w", new int[] {1, 4}, new float[] {0.4f, w1, 3f, 0f});
        float[] q = DEFAULTS.quantizeMatrix(w, h, 2).data();
        assertThat(q).containsExactly(0f, expected, 3f, 0f);
        double fed = w1 + 0.4 * 0.5 / 1.01;
        assertThat(expected).isEqualTo((int) Math.round(fed));
    }

    @Test
    void theHandCaseHasLowerOutputErrorThanRoundToNearestUnderItsHessian() {
        InputHessian h = InputHessian.of(new double[][] {{1, 0.5, 0, 0}, {0.5, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
        Tensor w = new Tensor("w", new int[] {1, 4}, new float[] {0.4f, 1.4f, 3f, 0f});
        // d = (0.4, -0.6): 0.16 + 0.36 - 0.24 = 0.28 against RTN's d = (0.4, 0.4): 0.48.
        assertThat(h.outputError(w, DEFAULTS.quantizeMatrix(w, h, 2).data())).isCloseTo(0.28, within(1e-6));
        assertThat(h.outputError(w, RtnQuantizer.roundTrip(w, 2, 0).data())).isCloseTo(0.48, within(1e-6));
    }

    @Test
    void lazyBlockUpdatesGiveTheSameResultAsUpdatingEveryColumnAtOnce() {
        Tensor w = gaussian(12, 40, 3L);
        InputHessian h = correlated(40, 5L);
        float[] oneByOne = DEFAULTS.withBlockSize(1).quantizeMatrix(w, h, 3).data();
        // Each column receives the same updates in the same order whatever the block size.
        assertThat(DEFAULTS.withBlockSize(7).quantizeMatrix(w, h, 3).data()).containsExactly(oneByOne);
        assertThat(DEFAULTS.withBlockSize(128).quantizeMatrix(w, h, 3).data()).containsExactly(oneByOne);
    }

    @ParameterizedTest(name = "static groups {0}")
    @CsvSource({"false", "true"})
    void groupedActOrderGivesTheSameResultWhateverTheBlockSize(boolean staticGroups) {
        Tensor w = gaussian(10, 40, 13L);
        InputHessian h = correlated(40, 14L);
        GptqQuantizer grouped = DEFAULTS.withActOrder(true).withGroupSize(12).withStaticGroups(staticGroups);
        float[] oneByOne = grouped.withBlockSize(1).quantizeMatrix(w, h, 3).data();
        // A dynamic group's grid is fitted with every earlier column's feedback applied, lazily pending or not.
        assertThat(grouped.withBlockSize(7).quantizeMatrix(w, h, 3).data()).containsExactly(oneByOne);
        assertThat(grouped.withBlockSize(128).quantizeMatrix(w, h, 3).data()).containsExactly(oneByOne);
    }

    @Test
    void gptqBeatsRoundToNearestUnderACorrelatedHessian() {
        Tensor w = gaussian(32, 48, 8L);
        InputHessian h = correlated(48, 9L);
        for (int bits : new int[] {2, 3, 4}) {
            for (GptqQuantizer g : new GptqQuantizer[] {DEFAULTS, DEFAULTS.withActOrder(true),
                DEFAULTS.withGroupSize(16), DEFAULTS.withActOrder(true).withGroupSize(16)}) {
                double gptq = h.outputError(w, g.quantizeMatrix(w, h, bits).data());
                double rtn = h.outputError(w, RtnQuantizer.roundTrip(w, bits, g.grouping().groupSize(48, bits)).data());
                assertThat(gptq).as("%s at %d bits", g, bits).isLessThan(rtn);
            }
        }
    }

    @Test
    void aColumnThatNeverSeesInputIsQuantizedAsZero() {
        Tensor w = new Tensor("w", new int[] {1, 4}, new float[] {-1f, 0.9f, 2f, 0.6f});
        InputHessian h = InputHessian.of(new double[][] {{1, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
        // Grid -1, 0, 1, 2 (2 bits); column 1 is dead: zeroed, it becomes code 1 = 0 instead of 0.9's code 2 = 1.
        assertThat(DEFAULTS.quantizeMatrix(w, h, 2).data()).containsExactly(-1f, 0f, 2f, 1f);
    }

    @Test
    void actOrderWithGroupsGivesEveryGroupExactlyGroupSizeColumns() {
        Tensor w = gaussian(4, 48, 1L);
        InputHessian h = correlated(48, 2L);
        GptqCodes codes = GptqSolver.quantize(w, h, 3, DEFAULTS.withActOrder(true).withGroupSize(16));
        int[] counts = new int[codes.groups()];
        for (int g : codes.groupIndex()) {
            counts[g]++;
        }
        assertThat(counts).containsExactly(16, 16, 16);
        // The largest diagonal entry leads the first group.
        int largest = 0;
        for (int c = 1; c < 48; c++) {
            largest = h.get(c, c) > h.get(largest, largest) ? c : largest;
        }
        assertThat(codes.groupIndex()[largest]).isZero();
        assertThat(codes.tableEntries()).isEqualTo(2L * 4 * 3 + 48);
    }

    @Test
    void anIndefiniteHessianIsRefusedWithTheMatrixNamed() {
        Tensor w = new Tensor("model.layers.0.mlp.up_proj.weight", new int[] {1, 2}, new float[] {1f, 2f});
        InputHessian h = InputHessian.of(new double[][] {{1, 2}, {2, 1}});
        assertThatThrownBy(() -> DEFAULTS.quantizeMatrix(w, h, 2))
                .hasMessageContaining("model.layers.0.mlp.up_proj.weight").hasMessageContaining("not positive definite");
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> DEFAULTS.withGroupSize(0)).hasMessageContaining("group size 0");
        assertThatThrownBy(() -> DEFAULTS.withBlockSize(0)).hasMessageContaining("block size 0");
        assertThatThrownBy(() -> DEFAULTS.withDampening(0)).hasMessageContaining("dampening 0.0");
        assertThatThrownBy(() -> DEFAULTS.withBitWidths(Set.of(1))).hasMessageContaining("bit-width 1 outside 2..8");
        assertThatThrownBy(() -> GptqQuantizer.defaults().quantizeMatrix(gaussian(2, 4, 1L), InputHessian.identity(4), 8))
                .hasMessageContaining("not 8");
    }

    /** {@code A A^T / m} for a random {@code [n, m]} A with a shared component: strongly correlated inputs. */
    static InputHessian correlated(int n, long seed) {
        Random random = new Random(seed);
        int m = 4 * n;
        double[][] a = new double[n][m];
        double[] shared = new double[m];
        for (int k = 0; k < m; k++) {
            shared[k] = random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            double scale = 0.5 + random.nextDouble();
            for (int k = 0; k < m; k++) {
                a[i][k] = scale * (random.nextGaussian() + 0.8 * shared[k]);
            }
        }
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += a[i][k] * a[j][k];
                }
                h[i][j] = s / m;
            }
        }
        return InputHessian.of(h);
    }
}
