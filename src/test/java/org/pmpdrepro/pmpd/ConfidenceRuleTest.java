package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The confidence baseline's rule on hand-made probability sequences. */
@Tag("unit")
class ConfidenceRuleTest {

    static final ConfidenceScheduler RULE = ConfidenceScheduler.defaults(PrecisionPair.parse("4>3"));

    // Warm-up: mean 0.5, population std sqrt(0.006) = 0.0775, so the threshold is 0.5775.
    static final double[] WARMUP = {0.5, 0.6, 0.4, 0.5, 0.6, 0.4, 0.5, 0.6, 0.4, 0.5};

    static double[] with(double... after) {
        double[] out = new double[WARMUP.length + after.length];
        System.arraycopy(WARMUP, 0, out, 0, WARMUP.length);
        System.arraycopy(after, 0, out, WARMUP.length, after.length);
        return out;
    }

    @Test
    void itSwitchesFromTheStepAfterTheFirstProbabilityAboveMeanPlusOneStd() {
        assertThat(RULE.firstLowStep(with(0.55, 0.57, 0.58, 0.1))).isEqualTo(13);
    }

    @Test
    void aProbabilityJustBelowTheThresholdDoesNotSwitch() {
        assertThat(RULE.firstLowStep(with(0.5, 0.577))).isEqualTo(12);
    }

    @Test
    void afterAConstantWarmupOnlyAHigherProbabilitySwitches() {
        double[] top = {0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.98};
        assertThat(RULE.firstLowStep(top)).isEqualTo(top.length);
    }
}
