package org.pmpdrepro.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * BLEU's sufficient statistics for one segment or a whole corpus: hypothesis length, effective reference
 * length, and per n-gram order the clipped matches and the hypothesis n-gram count. Corpus BLEU is a
 * function of the sum of these over segments, which is what lets a bootstrap resample recompute it.
 */
public record NgramStatistics(int hypLength, int refLength, int[] matches, int[] totals) {

    public NgramStatistics {
        if (matches.length != totals.length || matches.length == 0) {
            throw new IllegalArgumentException("n-gram statistics need one match and one total count per order, got "
                    + matches.length + " matches and " + totals.length + " totals");
        }
        if (hypLength < 0 || refLength < 0) {
            throw new IllegalArgumentException("lengths must be non-negative, got hyp " + hypLength + ", ref " + refLength);
        }
        matches = matches.clone();
        totals = totals.clone();
    }

    public int maxOrder() {
        return matches.length;
    }

    @Override
    public int[] matches() {
        return matches.clone();
    }

    @Override
    public int[] totals() {
        return totals.clone();
    }

    int match(int order) {
        return matches[order - 1];
    }

    int total(int order) {
        return totals[order - 1];
    }

    /** Sums the statistics of the selected segments (indices may repeat, as in a bootstrap resample). */
    static NgramStatistics sum(List<NgramStatistics> segments, int[] indices) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("cannot sum the statistics of an empty corpus");
        }
        int order = segments.getFirst().maxOrder();
        int hyp = 0;
        int ref = 0;
        int[] m = new int[order];
        int[] t = new int[order];
        for (int idx : indices) {
            NgramStatistics s = segments.get(idx);
            hyp += s.hypLength;
            ref += s.refLength;
            for (int n = 0; n < order; n++) {
                m[n] += s.matches[n];
                t[n] += s.totals[n];
            }
        }
        return new NgramStatistics(hyp, ref, m, t);
    }

    static int[] allIndices(int size) {
        int[] idx = new int[size];
        Arrays.setAll(idx, i -> i);
        return idx;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NgramStatistics s && hypLength == s.hypLength && refLength == s.refLength
                && Arrays.equals(matches, s.matches) && Arrays.equals(totals, s.totals);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * hypLength + refLength) + 17 * Arrays.hashCode(matches) + Arrays.hashCode(totals);
    }

    @Override
    public String toString() {
        return "NgramStatistics[hyp=" + hypLength + ", ref=" + refLength + ", matches=" + Arrays.toString(matches)
                + ", totals=" + Arrays.toString(totals) + "]";
    }
}
