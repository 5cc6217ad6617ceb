package org.pmpdrepro.quant.anyprec;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Weighted one-dimensional clustering of the weights of one row: the k-means seed and the two-way splits of
 * incremental upscaling. Everything is deterministic: initialisation from weighted quantiles, ties broken towards
 * the lower cluster, an iteration cap as well as the convergence check.
 *
 * <p>A cluster's centre is the weighted mean of its members; when their weights are all zero the plain mean is
 * used instead (it cannot affect the weighted error, and keeps the centre among the members).
 */
final class WeightedKMeans {

    private WeightedKMeans() {}

    /** Weighted mean of {@code values[members[i]]}, or their plain mean when the weights sum to zero. */
    static double mean(double[] values, double[] weights, int[] members, int count) {
        double sw = 0;
        double swv = 0;
        double sv = 0;
        for (int j = 0; j < count; j++) {
            int i = members[j];
            sw += weights[i];
            swv += weights[i] * values[i];
            sv += values[i];
        }
        return sw > 0 ? swv / sw : sv / count;
    }

    /** Result of the seed: the cluster of every value and the centre of every cluster. */
    record Clustering(int[] assignment, double[] centres) {}

    /**
     * Weighted k-means with {@code k} clusters, numbered by increasing centre. Centres start at the weighted
     * {@code (j + 1/2) / k} quantiles; an empty cluster is re-seeded at the worst-served value, or keeps its centre
     * when every value is served exactly. On return the centres of non-empty clusters are the means of the
     * returned assignment.
     */
    static Clustering kMeans(double[] values, double[] weights, int k, int maxIterations) {
        int n = values.length;
        double[] centres = weightedQuantiles(values, weights, k);
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        for (int iter = 0; iter < maxIterations; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = nearest(centres, values[i]);
                if (best != assignment[i]) {
                    assignment[i] = best;
                    changed = true;
                }
            }
            boolean reseeded = false;
            updateMeans(values, weights, assignment, centres);
            for (int c = 0; c < k; c++) {
                if (!contains(assignment, c)) {
                    reseeded |= reseed(values, weights, assignment, centres, c);
                }
            }
            if (!changed && !reseeded) {
                break;
            }
        }
        updateMeans(values, weights, assignment, centres);
        return relabelInOrder(assignment, centres);
    }

    /** Sets the centre of every non-empty cluster to the mean of its members. */
    private static void updateMeans(double[] values, double[] weights, int[] assignment, double[] centres) {
        int[] members = new int[values.length];
        for (int c = 0; c < centres.length; c++) {
            int count = 0;
            for (int i = 0; i < values.length; i++) {
                if (assignment[i] == c) {
                    members[count++] = i;
                }
            }
            if (count > 0) {
                centres[c] = mean(values, weights, members, count);
            }
        }
    }

    private static boolean contains(int[] assignment, int c) {
        for (int a : assignment) {
            if (a == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the empty cluster {@code c} onto the value that contributes most weighted error where it is (the
     * lowest index among ties), which coinciding quantiles of a concentrated weight distribution otherwise leave
     * unused. Returns false, leaving it empty, when no value has any error left.
     */
    private static boolean reseed(double[] values, double[] weights, int[] assignment, double[] centres, int c) {
        int worst = -1;
        double worstError = 0;
        for (int i = 0; i < values.length; i++) {
            double d = values[i] - centres[assignment[i]];
            double e = weights[i] * d * d;
            if (e > worstError) {
                worst = i;
                worstError = e;
            }
        }
        if (worst < 0) {
            return false;
        }
        centres[c] = values[worst];
        assignment[worst] = c;
        return true;
    }

    /** Renumbers clusters by increasing centre, so codes grow with the values they stand for. */
    private static Clustering relabelInOrder(int[] assignment, double[] centres) {
        int k = centres.length;
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> centres[c]).thenComparingInt(c -> c));
        int[] rank = new int[k];
        double[] sorted = new double[k];
        for (int j = 0; j < k; j++) {
            rank[order[j]] = j;
            sorted[j] = centres[order[j]];
        }
        int[] relabelled = new int[assignment.length];
        for (int i = 0; i < assignment.length; i++) {
            relabelled[i] = rank[assignment[i]];
        }
        return new Clustering(relabelled, sorted);
    }

    private static int nearest(double[] centres, double v) {
        int best = 0;
        double bestDist = Math.abs(v - centres[0]);
        for (int c = 1; c < centres.length; c++) {
            double d = Math.abs(v - centres[c]);
            if (d < bestDist) {
                best = c;
                bestDist = d;
            }
        }
        return best;
    }

    /** The values at cumulative weight {@code (j + 1/2) / k} of the total, in increasing order. */
    static double[] weightedQuantiles(double[] values, double[] weights, int k) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> values[i]).thenComparingInt(i -> i));
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double[] out = new double[k];
        double cumulative = 0;
        int pos = 0;
        for (int j = 0; j < k; j++) {
            double target = (j + 0.5) / k * total;
            while (pos < n - 1 && cumulative + weights[order[pos]] < target) {
                cumulative += weights[order[pos]];
                pos++;
            }
            out[j] = values[order[pos]];
        }
        return out;
    }

    /**
     * Splits the cluster {@code members[0..count)} into a lower and an upper child by weighted 2-means, starting
     * from a cut at the cluster's mean. Returns, per member, whether it goes to the upper child; when every member
     * has the same value the upper child stays empty.
     */
    static boolean[] split(double[] values, double[] weights, int[] members, int count, int maxIterations) {
        boolean[] upper = new boolean[count];
        double cut = mean(values, weights, members, count);
        for (int j = 0; j < count; j++) {
            upper[j] = values[members[j]] > cut;
        }
        int[] lowerIdx = new int[count];
        int[] upperIdx = new int[count];
        for (int iter = 0; iter < maxIterations; iter++) {
            int nl = 0;
            int nu = 0;
            for (int j = 0; j < count; j++) {
                if (upper[j]) {
                    upperIdx[nu++] = members[j];
                } else {
                    lowerIdx[nl++] = members[j];
                }
            }
            if (nl == 0 || nu == 0) {
                break;
            }
            double lowCentre = mean(values, weights, lowerIdx, nl);
            double highCentre = mean(values, weights, upperIdx, nu);
            boolean changed = false;
            for (int j = 0; j < count; j++) {
                double v = values[members[j]];
                boolean u = Math.abs(v - highCentre) < Math.abs(v - lowCentre);
                if (u != upper[j]) {
                    upper[j] = u;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return upper;
    }
}
