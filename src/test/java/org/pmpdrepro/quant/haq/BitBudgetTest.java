package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Over-budget policies are lowered as the original does: last matrix first, one bit at a time. */
class BitBudgetTest {

    private static BitBudget budget(String bits, long[] params, int min) {
        return new BitBudget(new BigDecimal(bits), params, min);
    }

    @Test
    void aPolicyWithinTheBudgetIsLeftAlone() {
        assertThat(budget("4", new long[] {10, 10, 10}, 2).enforce(new int[] {4, 3, 5})).containsExactly(4, 3, 5);
    }

    @Test
    void loweringStartsAtTheLastMatrixAndStopsAsSoonAsThePolicyFits() {
        // Equal sizes, average 5 against a budget of 4.5: lowering the last two by one bit each gives 4.333.
        assertThat(budget("4.5", new long[] {1, 1, 1}, 2).enforce(new int[] {5, 5, 5})).containsExactly(5, 4, 4);
        // Average 5 against 4: one full sweep (4,4,4) is exactly on budget.
        assertThat(budget("4", new long[] {1, 1, 1}, 2).enforce(new int[] {5, 5, 5})).containsExactly(4, 4, 4);
    }

    @Test
    void matricesAtTheLowestWidthAreSkippedAndSweepsRepeat() {
        // 8,2,8 with budget 3 (sizes equal): sweeps lower 8s alternately from the end: 7,2,7 ... down to 4,2,3.
        assertThat(budget("3", new long[] {1, 1, 1}, 2).enforce(new int[] {8, 2, 8})).containsExactly(4, 2, 3);
    }

    @Test
    void parameterCountsWeighTheAverage() {
        // One big matrix at 2 bits and one small at 8: (100*2 + 1*8)/101 = 2.06 <= 3, within budget.
        assertThat(budget("3", new long[] {100, 1}, 2).enforce(new int[] {2, 8})).containsExactly(2, 8);
        // Both at 8: sweeps lower the small one, then the big one, in turn; (4, 3) is still 4.0 on average and
        // (3, 3) is the first policy that fits, although the small matrix barely matters.
        assertThat(budget("3", new long[] {100, 1}, 2).enforce(new int[] {8, 8})).containsExactly(3, 3);
    }

    @Test
    void aBudgetAtTheLowestWidthForcesEveryMatrixThere() {
        assertThat(budget("2", new long[] {5, 7, 9}, 2).enforce(new int[] {8, 6, 3})).containsExactly(2, 2, 2);
    }

    @Test
    void enforcedPoliciesNeverExceedTheBudgetComputedIndependently() {
        Random random = new Random(11);
        long[] params = {36864, 12288, 12288, 36864, 98304, 98304, 98304};
        for (String b : new String[] {"2", "2.5", "3", "4", "5.25"}) {
            BitBudget budget = budget(b, params, 1);
            for (int trial = 0; trial < 200; trial++) {
                int[] proposed = new int[params.length];
                for (int i = 0; i < proposed.length; i++) {
                    proposed[i] = 1 + random.nextInt(8);
                }
                int[] fitted = budget.enforce(proposed);
                long weighted = 0;
                long total = 0;
                for (int i = 0; i < params.length; i++) {
                    assertThat(fitted[i]).isBetween(1, proposed[i]);
                    weighted += params[i] * fitted[i];
                    total += params[i];
                }
                assertThat(new BigDecimal(weighted)).isLessThanOrEqualTo(new BigDecimal(b).multiply(
                        new BigDecimal(total)));
            }
        }
    }

    @Test
    void aBudgetBelowTheLowestWidthIsRejected() {
        assertThatThrownBy(() -> budget("1.5", new long[] {1}, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5").hasMessageContaining("lowest width 2");
    }
}
