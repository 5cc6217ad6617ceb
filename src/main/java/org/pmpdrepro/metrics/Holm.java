package org.pmpdrepro.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down adjustment of p-values for a family of tests: sorted ascending, the {@code j}-th smallest of
 * {@code m} is multiplied by {@code m - j + 1}, and each adjusted value is the running maximum, capped at 1. Rejecting
 * where the adjusted value is below {@code α} keeps the family-wise error rate at {@code α}.
 */
public final class Holm {

    private Holm() {}

    /** The adjusted p-values of a whole family, in the order given. */
    public static double[] adjust(double[] p) {
        return adjust(p, p.length);
    }

    /**
     * The adjusted p-values of the {@code p.length} members present of a family of {@code familySize} tests, in
     * the order given. The absent members count as p = 1 (ranked last), which can only raise the present members'
     * adjusted values: each is an upper bound of what the whole family would give it, so a rejection here is a
     * rejection in the whole family too.
     *
     * @throws IllegalArgumentException when a p-value is not in [0, 1] or the family is smaller than {@code p}
     */
    public static double[] adjust(double[] p, int familySize) {
        if (familySize < p.length) {
            throw new IllegalArgumentException("Holm: " + p.length + " p-values in a family of " + familySize);
        }
        for (double v : p) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("Holm: p-value " + v + " is not in [0, 1]");
            }
        }
        Integer[] order = new Integer[p.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] out = new double[p.length];
        double running = 0;
        for (int rank = 0; rank < order.length; rank++) {
            running = Math.max(running, Math.min(1.0, (familySize - rank) * p[order[rank]]));
            out[order[rank]] = running;
        }
        return out;
    }
}
