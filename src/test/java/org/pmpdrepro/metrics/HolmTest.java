package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class HolmTest {

    @Test
    void adjustedValuesAreTheRunningMaximumOfRankWeightedPValuesInTheOrderGiven() {
        // R's p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
        double[] adjusted = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
        assertThat(adjusted[0]).isCloseTo(0.03, within(1e-15));
        assertThat(adjusted[1]).isCloseTo(0.06, within(1e-15));
        assertThat(adjusted[2]).isCloseTo(0.06, within(1e-15));
        assertThat(adjusted[3]).isCloseTo(0.02, within(1e-15));
        assertThat(Holm.adjust(new double[] {0.5, 0.9})).containsExactly(1.0, 1.0);
        assertThat(Holm.adjust(new double[0])).isEmpty();
    }

    @Test
    void aPartOfAFamilyAdjustedAgainstTheWholeFamilyNeverRejectsWhatTheWholeFamilyWouldNot() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 500; trial++) {
            int m = 2 + rng.nextInt(12);
            double[] all = new double[m];
            for (int i = 0; i < m; i++) {
                all[i] = rng.nextDouble() < 0.5 ? rng.nextDouble() * 0.01 : rng.nextDouble();
            }
            int k = 1 + rng.nextInt(m);
            double[] part = java.util.Arrays.copyOf(all, k);
            double[] whole = Holm.adjust(all);
            double[] bound = Holm.adjust(part, m);
            for (int i = 0; i < k; i++) {
                assertThat(bound[i]).as("trial %d, member %d", trial, i).isGreaterThanOrEqualTo(whole[i] - 1e-15);
            }
        }
    }

    @Test
    void pValuesOutsideTheUnitIntervalAndFamiliesSmallerThanTheirMembersAreRefused() {
        assertThatThrownBy(() -> Holm.adjust(new double[] {Double.NaN})).hasMessageContaining("not in [0, 1]");
        assertThatThrownBy(() -> Holm.adjust(new double[] {0.1, 0.2}, 1)).hasMessageContaining("family of 1");
    }
}
