package org.pmpdrepro.suite;

import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * One quantity of one cell held against its golden: a metric, the average bits, the bytes per token or the resident
 * bytes.
 *
 * @param expected the golden value
 * @param lower lowest accepted value (inclusive)
 * @param upper highest accepted value (inclusive)
 * @param paired the paired bootstrap of new − golden on the same prompts, where it was computed (a metric whose
 *     outputs changed, or any metric on another configuration)
 * @param rule how the value is judged, in words ({@code exact}, {@code 95% CI within ±0.004 ...})
 * @param message why it failed; empty when it passed
 */
public record MetricCheck(String quantity, double actual, double expected, double lower, double upper, boolean passed,
        Optional<PairedBootstrap.Result> paired, String rule, String message) {

    public MetricCheck {
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(paired, "paired");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    /** Equal, NaN being equal to NaN (a back-bone that cannot account for bytes stays unaccountable). */
    static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }
}
