package org.pmpdrepro.report;

import java.util.List;

/**
 * The precision one sample was decoded at, step by step: what a scheduler decided, as the report charts it.
 *
 * @param sample the sample's id (shown in the legend)
 * @param bits bit-width at each decode step, step 0 first; full precision counts as 16
 */
public record PrecisionTrace(String sample, List<Double> bits) {

    public PrecisionTrace {
        if (sample == null || sample.isBlank()) {
            throw new IllegalArgumentException("precision trace: sample id is blank");
        }
        bits = List.copyOf(bits);
        if (bits.isEmpty()) {
            throw new IllegalArgumentException("precision trace of sample '" + sample + "' has no decode steps");
        }
        for (int i = 0; i < bits.size(); i++) {
            double b = bits.get(i);
            if (!(b > 0 && b <= 32)) {
                throw new IllegalArgumentException("precision trace of sample '" + sample + "', step " + i
                        + ": " + b + " bits, expected a bit-width in (0, 32]");
            }
        }
    }

    public int steps() {
        return bits.size();
    }
}
