package org.pmpdrepro.quant.haq;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * An average-bit budget over matrices of given sizes, and the original HAQ's way of meeting it: while the
 * parameter-weighted average exceeds the budget, sweep the matrices from the last to the first, lowering each one
 * that is above {@code minBits} by one bit and stopping as soon as the policy fits. Compared exactly, in integers:
 * {@code sum(params * bits) <= budget * sum(params)}.
 *
 * @param budget the largest allowed parameter-weighted average bit-width
 * @param parameters the parameter count of each matrix, in forward order
 * @param minBits the lowest width a matrix may be lowered to
 */
public record BitBudget(BigDecimal budget, long[] parameters, int minBits) {

    public BitBudget {
        parameters = parameters.clone();
        if (parameters.length == 0) {
            throw new IllegalArgumentException("budget over no matrices");
        }
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] <= 0) {
                throw new IllegalArgumentException("matrix " + i + " has " + parameters[i]
                        + " parameters; expected a positive count");
            }
        }
        if (budget.compareTo(BigDecimal.valueOf(minBits)) < 0) {
            throw new IllegalArgumentException("budget " + budget.toPlainString() + " bits is below the lowest width "
                    + minBits + "; no policy can meet it");
        }
    }

    @Override
    public long[] parameters() {
        return parameters.clone();
    }

    /** Whether {@code bits} (one width per matrix) meets the budget. */
    public boolean fits(int[] bits) {
        requireLength(bits);
        BigDecimal used = BigDecimal.ZERO;
        long total = 0;
        for (int i = 0; i < bits.length; i++) {
            used = used.add(BigDecimal.valueOf(parameters[i]).multiply(BigDecimal.valueOf(bits[i])));
            total += parameters[i];
        }
        return used.compareTo(budget.multiply(BigDecimal.valueOf(total))) <= 0;
    }

    /** Parameter-weighted average of {@code bits}. */
    public double averageBits(int[] bits) {
        requireLength(bits);
        double weighted = 0;
        long total = 0;
        for (int i = 0; i < bits.length; i++) {
            weighted += (double) parameters[i] * bits[i];
            total += parameters[i];
        }
        return weighted / total;
    }

    /** {@code proposed} lowered, last matrix first and one bit at a time, until it fits; unchanged if it does. */
    public int[] enforce(int[] proposed) {
        requireLength(proposed);
        int[] bits = proposed.clone();
        for (int i = 0; i < bits.length; i++) {
            if (bits[i] < minBits) {
                throw new IllegalArgumentException("matrix " + i + " proposed at " + bits[i]
                        + " bits, below the lowest width " + minBits);
            }
        }
        while (!fits(bits)) {
            for (int i = bits.length - 1; i >= 0; i--) {
                if (bits[i] > minBits) {
                    bits[i]--;
                    if (fits(bits)) {
                        return bits;
                    }
                }
            }
        }
        return bits;
    }

    private void requireLength(int[] bits) {
        if (bits.length != parameters.length) {
            throw new IllegalArgumentException("policy of " + bits.length + " widths " + Arrays.toString(bits)
                    + "; the budget covers " + parameters.length + " matrices");
        }
    }
}
