package org.pmpdrepro.suite;

import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * How update mode derives a golden band from measurements (golden/README.md explains the reasoning):
 *
 * <pre>
 *   numerical = numericalFactor * spread                     (|Δ| between two numerical configurations)
 *   sampling  = min(samplingFactor * SE, separationShare * d) (SE: bootstrap standard error of the metric;
 *                                                              d: smallest significant paired difference
 *                                                              between this cell and an arm it is compared with)
 *   abs       = max(floor, sqrt(numerical² + sampling²)),  rel = 0
 * </pre>
 *
 * @param numericalFactor how many times the one measured spread the band allows (one rerun samples the numerical
 *     noise once; three times it covers configurations not tried)
 * @param samplingFactor the fraction of a standard error a value may drift: a shift this small would need
 *     {@code (1.96 / samplingFactor)^2} times the prompts to be detected at all
 * @param separationShare the largest share of a significant paired difference one band may take, so that two
 *     arms' bands together never cover it
 */
public record BandPolicy(double numericalFactor, double samplingFactor, double separationShare) {

    public BandPolicy {
        if (!(numericalFactor >= 1) || !(samplingFactor > 0) || !(separationShare > 0 && separationShare < 0.5)) {
            throw new IllegalArgumentException("band policy " + numericalFactor + ", " + samplingFactor + ", "
                    + separationShare + ": expected numericalFactor >= 1, samplingFactor > 0 and 0 < separationShare"
                    + " < 0.5");
        }
    }

    /** The suite's policy: three measured spreads, a quarter standard error, a third of a significant difference. */
    public static BandPolicy standard() {
        return new BandPolicy(3.0, 0.25, 1.0 / 3.0);
    }

    /**
     * The band of one golden value.
     *
     * @param smallestSignificantDifference the smallest |difference| among significant findings this cell is an arm
     *     of; NaN when it is in none
     */
    public Band derive(String metric, double expected, double spread, double standardError,
            double smallestSignificantDifference) {
        double numerical = numericalFactor * spread;
        double sampling = samplingFactor * standardError;
        if (Double.isFinite(smallestSignificantDifference)) {
            sampling = Math.min(sampling, separationShare * smallestSignificantDifference);
        }
        double abs = Math.max(floor(metric), Math.hypot(numerical, sampling));
        return new Band(expected, abs, 0);
    }

    /**
     * The smallest band any value gets: the metric's last meaningful digits, so that a metric computed twice the same
     * way never fails on summation order.
     */
    static double floor(String metric) {
        return metric.equals("sacrebleu") ? 1e-7 : 1e-9;
    }

    /** The bootstrap standard error of a corpus score: half its 95% interval over 1.96. */
    public static double standardError(MetricResult result, PairedBootstrap.Config config) {
        return PairedBootstrap.compare(result, result, config).systemCi() / 1.96;
    }
}
