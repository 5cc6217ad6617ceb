package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.MatrixCost;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;

/**
 * A budget of bytes, tables included; over-budget policies are lowered as the original does: last matrix first, one
 * bit at a time.
 */
@Tag("unit")
class ByteBudgetTest {

    /** Two k-means matrices of 4 rows x 192 columns (the fixture model's row width). */
    private static final List<MatrixCost> TWO = List.of(MatrixCost.centroidTables(4, 192),
            MatrixCost.centroidTables(4, 192));

    /** k-means bytes of one [4, 192] matrix at {@code b} bits, worked out here: packed codes and 2^b fp16 per row. */
    private static long bytes(int b) {
        return 4L * 192 * b / 8 + 2L * 4 * (1L << b);
    }

    @Test
    void thePerMatrixCostIsPackedCodesPlusTwoToTheBitsFp16CentroidsPerRow() {
        assertThat(bytes(4)).isEqualTo(384 + 128);
        assertThat(new ByteBudget(1024, TWO, 2).bytes(new int[] {4, 2})).isEqualTo(bytes(4) + bytes(2));
    }

    @Test
    void aPolicyWithinTheBudgetIsLeftAlone() {
        assertThat(new ByteBudget(2 * bytes(4), TWO, 2).enforce(new int[] {4, 3})).containsExactly(4, 3);
    }

    @Test
    void aWideMatrixPaysForItsTableSoAnAverageOfFourBitsCanExceedFourBitBytes() {
        // (6, 2) averages 4 bits, which a budget of code bits admits; with tables it reads 1088 + 224 = 1312 bytes
        // against Any-Precision's 1024 at 4 bits. Lowering the last matrix is not possible (it is at the lowest
        // width), so the first goes to 5 bits: 736 + 224 = 960 bytes, within budget.
        ByteBudget budget = new ByteBudget(2 * bytes(4), TWO, 2);
        assertThat(budget.averageBits(new int[] {6, 2})).isEqualTo(4.0);
        assertThat(budget.bytes(new int[] {6, 2})).isEqualTo(1312);
        assertThat(budget.enforce(new int[] {6, 2})).containsExactly(5, 2);
    }

    @Test
    void loweringStartsAtTheLastMatrixAndStopsAsSoonAsThePolicyFits() {
        List<MatrixCost> three = List.of(MatrixCost.centroidTables(4, 192), MatrixCost.centroidTables(4, 192),
                MatrixCost.centroidTables(4, 192));
        // 5,5,5 reads 3 x 736 = 2208; the budget is 736 + 2 x 512 = 1760: the last two drop to 4 bits.
        assertThat(new ByteBudget(bytes(5) + 2 * bytes(4), three, 2).enforce(new int[] {5, 5, 5}))
                .containsExactly(5, 4, 4);
        // At the uniform 4-bit bytes one full sweep lands exactly on the budget.
        assertThat(new ByteBudget(3 * bytes(4), three, 2).enforce(new int[] {5, 5, 5})).containsExactly(4, 4, 4);
    }

    @Test
    void aBudgetAtTheLowestWidthsBytesForcesEveryMatrixThere() {
        assertThat(new ByteBudget(2 * bytes(2), TWO, 2).enforce(new int[] {8, 3})).containsExactly(2, 2);
    }

    @Test
    void enforcedPoliciesNeverExceedTheBudgetComputedIndependently() {
        Random random = new Random(11);
        int[][] shapes = {{192, 192}, {64, 192}, {64, 192}, {192, 192}, {1024, 192}, {1024, 192}, {192, 1024}};
        List<MatrixCost> costs = java.util.Arrays.stream(shapes).map(s -> MatrixCost.centroidTables(s[0], s[1]))
                .toList();
        for (int nominal = 2; nominal <= 5; nominal++) {
            long budgetBytes = 0;
            for (int[] s : shapes) {
                budgetBytes += (long) s[0] * s[1] * nominal / 8 + 2L * s[0] * (1L << nominal);
            }
            ByteBudget budget = new ByteBudget(budgetBytes, costs, 2);
            for (int trial = 0; trial < 200; trial++) {
                int[] proposed = new int[shapes.length];
                for (int i = 0; i < proposed.length; i++) {
                    proposed[i] = 2 + random.nextInt(7);
                }
                int[] fitted = budget.enforce(proposed);
                long read = 0;
                for (int i = 0; i < shapes.length; i++) {
                    assertThat(fitted[i]).isBetween(2, proposed[i]);
                    read += (long) shapes[i][0] * shapes[i][1] * fitted[i] / 8 + 2L * shapes[i][0] * (1L << fitted[i]);
                }
                assertThat(read).as("nominal %d, proposed %s", nominal, java.util.Arrays.toString(proposed))
                        .isLessThanOrEqualTo(budgetBytes);
            }
        }
    }

    @Test
    void theBudgetIsWhatAnyPrecisionReadsAtTheNominalWidth() throws Exception {
        InMemoryWeights model = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 3L);
        QuantizedModel ap = AnyPrecisionQuantizer.defaults().quantize(model,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
        for (int b : Set.of(2, 3, 4)) {
            assertThat(ByteBudget.anyPrecisionBytes(model.config(), b)).as("%d bits", b)
                    .isEqualTo(ap.bytesReadPerToken(b));
        }
    }

    @Test
    void aBudgetBelowTheLowestWidthsBytesIsRejected() {
        assertThatThrownBy(() -> new ByteBudget(2 * bytes(2) - 1, TWO, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(2 * bytes(2) - 1))
                .hasMessageContaining("lowest width 2");
    }
}
