package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BandPolicyTest {

    static final BandPolicy P = BandPolicy.standard();

    @Test
    void numericalSpreadAndSamplingUncertaintyAddInQuadrature() {
        Band b = P.derive("rougeL", 0.3, 0.004, 0.02, Double.NaN);
        assertThat(b.absolute()).isCloseTo(Math.hypot(3 * 0.004, 0.25 * 0.02), within(1e-15));
        assertThat(b.relative()).isZero();
    }

    @Test
    void theSamplingPartNeverExceedsAThirdOfASignificantDifference() {
        Band b = P.derive("rougeL", 0.3, 0, 0.02, 0.009);
        assertThat(b.absolute()).isCloseTo(0.003, within(1e-15));
        assertThat(2 * b.absolute()).isLessThan(0.009);
    }

    @Test
    void aMeasuredSpreadIsNeverCappedSinceNoiseThatLargeIsAFindingInItself() {
        Band b = P.derive("bleu", 0.3, 0.01, 0.02, 0.009);
        assertThat(b.absolute()).isGreaterThanOrEqualTo(0.03);
    }

    @Test
    void aMetricWithoutSpreadOrUncertaintyStillGetsItsLastDigitsAsBand() {
        assertThat(P.derive("sacrebleu", 12, 0, 0, Double.NaN).absolute()).isEqualTo(1e-7);
        assertThat(P.derive("rougeL", 0.2, 0, 0, Double.NaN).absolute()).isEqualTo(1e-9);
    }

    @Test
    void theStandardErrorIsHalfTheBootstrapIntervalOverOnePointNineSix() {
        FakeCellRunner r = new FakeCellRunner(50, java.util.Map.of("static", 0.5), java.util.Set.of("any-precision"),
                0);
        CellOutcome o = r.run(SuiteSessionTest.a1("static"));
        double se = BandPolicy.standardError(o.metric("bertscore"),
                org.pmpdrepro.metrics.PairedBootstrap.Config.defaults());
        // Half the samples score 1, half 0.8: the per-sample SD is 0.1, so the SE of the mean is 0.1 / sqrt(50).
        assertThat(se).isCloseTo(0.1 / Math.sqrt(50), within(0.004));
    }
}
