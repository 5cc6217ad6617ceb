package org.pmpdrepro.pmpd;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.pmpdrepro.decode.PrecisionPlan;

/**
 * The random baseline: each prompt draws a switch-point class from {@code prior} (uniform, or the learned
 * scheduler's training-label frequencies). A prompt's draw depends only on the seed and its index, so batching
 * cannot change it.
 *
 * @param kind {@code uniform} or {@code label-prior}
 */
public record RandomScheduler(PrecisionPair pair, String kind, double[] prior, long seed) implements Scheduler {

    public RandomScheduler {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(kind, "kind");
        if (prior.length != SwitchPoints.CLASSES) {
            throw new IllegalArgumentException("random scheduler prior has " + prior.length + " entries; expected "
                    + SwitchPoints.CLASSES);
        }
        double sum = 0;
        for (double p : prior) {
            if (!(p >= 0)) {
                throw new IllegalArgumentException("random scheduler prior " + Arrays.toString(prior)
                        + " has a negative or NaN entry");
            }
            sum += p;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("random scheduler prior " + Arrays.toString(prior) + " sums to 0");
        }
        double[] normalised = new double[prior.length];
        for (int k = 0; k < prior.length; k++) {
            normalised[k] = prior[k] / sum;
        }
        prior = normalised;
    }

    public static RandomScheduler uniform(PrecisionPair pair, long seed) {
        return new RandomScheduler(pair, "uniform", new double[] {1, 1, 1, 1}, seed);
    }

    /** Classes drawn as often as they occur among {@code labelCounts} (the learned scheduler's training labels). */
    public static RandomScheduler labelPrior(PrecisionPair pair, int[] labelCounts, long seed) {
        return new RandomScheduler(pair, "label-prior", Arrays.stream(labelCounts).asDoubleStream().toArray(), seed);
    }

    /**
     * A bits-matched variant ({@code random-uniform-matched}, {@code random-label-prior-matched}): the prior of
     * {@code base} ({@code uniform} or {@code label-prior}) tilted until it spends a target's bits
     * ({@link BaselineCalibration}).
     */
    public static RandomScheduler matched(PrecisionPair pair, String base, double[] prior, long seed) {
        if (!base.equals("uniform") && !base.equals("label-prior")) {
            throw new IllegalArgumentException("random scheduler base '" + base + "': expected uniform or label-prior");
        }
        return new RandomScheduler(pair, base + "-matched", prior, seed);
    }

    @Override
    public double[] prior() {
        return prior.clone();
    }

    @Override
    public String name() {
        return "random-" + kind;
    }

    /** The class prompt {@code prompt} draws. */
    public int classOf(int prompt) {
        double u = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + prompt).nextDouble();
        double acc = 0;
        for (int k = 0; k < prior.length; k++) {
            acc += prior[k];
            if (u < acc) {
                return k;
            }
        }
        return prior.length - 1;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pair", pair.label());
        m.put("prior", List.of(prior[0], prior[1], prior[2], prior[3]));
        m.put("seed", seed);
        return m;
    }

    @Override
    public PrecisionPlan plan(int maxNewTokens) {
        SwitchPoints.candidates(maxNewTokens);
        return new ProgressivePlan(pair, prompt -> SwitchPoints.ofClass(classOf(prompt), maxNewTokens));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RandomScheduler r && pair.equals(r.pair) && kind.equals(r.kind)
                && Arrays.equals(prior, r.prior) && seed == r.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pair, kind, Arrays.hashCode(prior), seed);
    }

    @Override
    public String toString() {
        return name() + Arrays.toString(prior) + "@" + seed;
    }
}
