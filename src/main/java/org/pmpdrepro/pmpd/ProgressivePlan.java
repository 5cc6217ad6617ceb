package org.pmpdrepro.pmpd;

import java.util.function.IntUnaryOperator;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;

/**
 * PMPD's schedule with one switch: the prefill and decode steps {@code 1..s} at the high precision, the later steps
 * at the low one. {@code s = 0} is phase-aware precision (high prefill, low decode); {@code s >= N - 1} never
 * switches within {@code N} new tokens.
 *
 * @param switchPoint the switch point {@code s} of each prompt (by its index in the decoded list)
 */
public record ProgressivePlan(PrecisionPair pair, IntUnaryOperator switchPoint) implements PrecisionPlan {

    /** The same switch point for every prompt (the static scheduler). */
    public static ProgressivePlan uniform(PrecisionPair pair, int s) {
        if (s < 0) {
            throw new IllegalArgumentException("switch point " + s + ": expected at least 0");
        }
        return new ProgressivePlan(pair, prompt -> s);
    }

    @Override
    public Precision prefill(int prompt) {
        return pair.high();
    }

    @Override
    public Precision decode(int prompt, int step) {
        return at(pair, switchPoint.applyAsInt(prompt), step);
    }

    /** Precision of decode step {@code step >= 1} under switch point {@code s}. */
    public static Precision at(PrecisionPair pair, int s, int step) {
        return step <= s ? pair.high() : pair.low();
    }
}
