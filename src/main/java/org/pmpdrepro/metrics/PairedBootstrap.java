package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paired bootstrap resampling (Koehn 2004): both systems are rescored on the same resamples of sample indices, each
 * resample aggregated the metric's own way (summed n-gram statistics for BLEU, the mean for ROUGE and BERTScore),
 * and the resampled differences {@code δ*_b = system*_b − baseline*_b} stand for the sampling distribution of the
 * observed difference {@code δ̂}.
 *
 * <p>Tests use that distribution <em>centred</em> on {@code δ̂} (the bootstrap's approximation of the null
 * distribution of {@code δ̂ − δ}), with {@code B} resamples:
 * <ul>
 *   <li>two-sided, {@code H0: δ = 0}: {@code p = (1 + #{b : |δ*_b − δ̂| ≥ |δ̂|}) / (B + 1)};
 *   <li>one-sided, {@code H0: δ ≤ c}: {@code p = (1 + #{b : δ*_b − δ̂ ≥ δ̂ − c}) / (B + 1)}, and the mirror image
 *       for {@code H0: δ ≥ c} ({@link Differences#pAtMost}, {@link Differences#pAtLeast}).
 * </ul>
 * The 95% interval of the difference is the one these tests invert (the "basic" bootstrap interval,
 * {@code [δ̂ − q_hi, δ̂ − q_lo]} with {@code q} order statistics of {@code δ*_b − δ̂}), chosen so that its lower end
 * exceeds {@code c} exactly when the one-sided p-value of {@code H0: δ ≤ c} is below 0.025, and its upper end is
 * below {@code c} exactly when that of {@code H0: δ ≥ c} is.
 *
 * <p>sacrebleu's {@code --paired-bs} statistic, {@code (1 + #{b : |δ*_b| − mean|δ*| ≥ |δ̂|}) / (B + 1)}, is kept as
 * {@link Result#sacrebleuPValue()} for the {@code score} command, which reproduces sacrebleu's output. It is not a
 * two-sided p-value: at {@code δ̂ / SE = 1.96} it gives about 0.024 where a two-sided test gives 0.05. Unlike
 * sacrebleu, ties count ({@code >=}), so a system compared with itself gets p = 1; and indices come from
 * {@link SplittableRandom} rather than numpy's PCG64, so numbers agree with sacrebleu's in distribution, not digit
 * for digit. Each system's {@code μ ± half-width} is sacrebleu's percentile interval.
 */
public final class PairedBootstrap {

    /** The one-sided level each bound of the 95% interval stands for. */
    static final double ALPHA_ONE_SIDED = 0.025;
    /** {@code z(0.975) + z(0.80)}: the minimum detectable effect at 80% power for a two-sided 5% test, in SEs. */
    public static final double MDE_FACTOR = 1.96 + 0.84;

    private PairedBootstrap() {}

    /** Resample count and seed. */
    public record Config(int resamples, long seed) {

        public Config {
            if (resamples < 40) {
                throw new IllegalArgumentException("paired bootstrap needs at least 40 resamples for a 95% interval,"
                        + " got " + resamples);
            }
        }

        /** The suite's findings and claims: 10,000 resamples, seed 12345. */
        public static Config defaults() {
            return new Config(10_000, 12345L);
        }

        /** sacrebleu's defaults (1000 resamples, seed 12345), which the {@code score} command follows. */
        public static Config sacrebleu() {
            return new Config(1000, 12345L);
        }
    }

    /**
     * The comparison of a system with a baseline.
     *
     * @param observedDifference system score minus baseline score on the full corpus ({@code δ̂})
     * @param meanDifference mean of the resampled differences
     * @param standardError the standard deviation of the resampled differences
     * @param ciLower lower end of the 95% interval of the difference (see the class comment)
     * @param ciUpper upper end of the 95% interval of the difference
     * @param pValue two-sided p-value of {@code H0: δ = 0} from the centred bootstrap distribution
     * @param sacrebleuPValue sacrebleu's {@code --paired-bs} statistic (not a two-sided p-value; see the class
     *     comment)
     * @param systemMean mean resampled system score (sacrebleu's μ)
     * @param systemCi half-width of the system's percentile 95% interval (sacrebleu's ±)
     */
    public record Result(String metric, String signature, int samples, int resamples, long seed, double baselineScore,
            double systemScore, double observedDifference, double meanDifference, double standardError,
            double ciLower, double ciUpper, double pValue, double sacrebleuPValue, double baselineMean,
            double baselineCi, double systemMean, double systemCi) {

        /** The metric signature with {@code bs:R|seed:S} after {@code nrefs}, where sacrebleu puts them. */
        public String signatureWithBootstrap() {
            List<String> parts = new ArrayList<>(List.of(signature.split("\\|")));
            int at = parts.size();
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).startsWith("nrefs:")) {
                    at = i + 1;
                }
            }
            parts.add(at, "bs:" + resamples + "|seed:" + seed);
            return String.join("|", parts);
        }

        /** {@code (1.96 + 0.84) × SE}: the smallest true difference a two-sided 5% test detects with 80% power. */
        public double minimumDetectableEffect() {
            return MDE_FACTOR * standardError;
        }

        /** Whether the 95% interval excludes 0. */
        public boolean intervalExcludesZero() {
            return ciLower > 0 || ciUpper < 0;
        }
    }

    /** The resampled differences of one comparison, for one-sided tests against any threshold. */
    public static final class Differences {

        private final Result result;
        private final double observed;
        /** {@code δ*_b − δ̂}, sorted ascending. */
        private final double[] centred;

        private Differences(Result result, double[] centred) {
            this.result = result;
            this.observed = result.observedDifference();
            this.centred = centred;
        }

        public Result result() {
            return result;
        }

        /** One-sided p-value of {@code H0: δ ≤ c}: small when the system is shown to exceed the baseline by more than c. */
        public double pAtMost(double c) {
            return (1.0 + countAtLeast(centred, observed - c)) / (centred.length + 1.0);
        }

        /** One-sided p-value of {@code H0: δ ≥ c}: small when the system is shown to fall short of baseline + c. */
        public double pAtLeast(double c) {
            return (1.0 + countAtMost(centred, observed - c)) / (centred.length + 1.0);
        }
    }

    public static Result compare(MetricResult baseline, MetricResult system, Config config) {
        return resample(baseline, system, config).result();
    }

    /** The comparison with its resampled differences kept, for one-sided tests ({@link Differences}). */
    public static Differences resample(MetricResult baseline, MetricResult system, Config config) {
        if (!baseline.metric().equals(system.metric()) || !baseline.signature().equals(system.signature())) {
            throw new IllegalArgumentException("paired bootstrap needs both systems scored with the same metric "
                    + "configuration; baseline: " + baseline.metric() + " " + baseline.signature() + ", system: "
                    + system.metric() + " " + system.signature());
        }
        int n = baseline.size();
        if (system.size() != n) {
            throw new IllegalArgumentException("paired bootstrap needs the same samples for both systems; baseline has "
                    + n + ", system " + system.size());
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        int r = config.resamples();
        double[] bl = new double[r];
        double[] sys = new double[r];
        int[] idx = new int[n];
        MetricResult.Resampler baselineScores = baseline.resampler();
        MetricResult.Resampler systemScores = system.resampler();
        for (int k = 0; k < r; k++) {
            for (int i = 0; i < n; i++) {
                idx[i] = rng.nextInt(n);
            }
            bl[k] = baselineScores.score(idx);
            sys[k] = systemScores.score(idx);
        }
        double observed = system.score() - baseline.score();
        double[] diffs = new double[r];
        double[] centred = new double[r];
        double[] absDiffs = new double[r];
        for (int k = 0; k < r; k++) {
            diffs[k] = sys[k] - bl[k];
            centred[k] = diffs[k] - observed;
            absDiffs[k] = Math.abs(diffs[k]);
        }
        Arrays.sort(centred);
        double absMean = mean(absDiffs);
        int sacrebleuCount = 0;
        int twoSidedCount = 0;
        for (int k = 0; k < r; k++) {
            if (absDiffs[k] - absMean >= Math.abs(observed)) {
                sacrebleuCount++;
            }
            if (Math.abs(centred[k]) >= Math.abs(observed)) {
                twoSidedCount++;
            }
        }
        // The interval the one-sided tests at 0.025 invert: with k = ceil(0.025 (B + 1)) - 2, the test of δ <= c
        // rejects exactly when at most k centred values reach δ̂ - c, i.e. when centred[B - k - 1] < δ̂ - c.
        int k = Math.max(0, (int) Math.ceil(ALPHA_ONE_SIDED * (r + 1)) - 2);
        double lower = observed - centred[r - k - 1];
        double upper = observed - centred[k];
        double[] blCi = percentileInterval(bl);
        double[] sysCi = percentileInterval(sys);
        Result result = new Result(system.metric(), system.signature(), n, r, config.seed(), baseline.score(),
                system.score(), observed, mean(diffs), standardDeviation(diffs), lower, upper,
                (twoSidedCount + 1.0) / (r + 1.0), (sacrebleuCount + 1.0) / (r + 1.0), mean(bl),
                0.5 * (blCi[1] - blCi[0]), mean(sys), 0.5 * (sysCi[1] - sysCi[0]));
        return new Differences(result, centred);
    }

    /** sacrebleu's 95% bounds of one system: the (R/40)-th smallest and largest of the sorted values. */
    static double[] percentileInterval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int lower = sorted.length / 40;
        int upper = sorted.length - lower - 1;
        return new double[] {sorted[lower], sorted[upper]};
    }

    /** How many of the ascending {@code sorted} values are {@code >= t}. */
    static int countAtLeast(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return sorted.length - lo;
    }

    /** How many of the ascending {@code sorted} values are {@code <= t}. */
    static int countAtMost(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double standardDeviation(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
