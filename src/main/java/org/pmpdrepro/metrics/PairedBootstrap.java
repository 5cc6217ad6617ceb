package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paired bootstrap resampling (Koehn 2004), as sacrebleu's {@code --paired-bs}: both systems are rescored on
 * the same resamples of sample indices, each resample aggregated the metric's own way (summed n-gram
 * statistics for BLEU, the mean for ROUGE and BERTScore).
 *
 * <p>Like sacrebleu: the p-value is {@code (c + 1) / (R + 1)} where {@code c} counts resamples whose
 * mean-centred absolute difference reaches the observed absolute difference (two-sided), and 95% intervals
 * take the {@code R/40}-th smallest and largest resampled values. Two differences from sacrebleu: ties count
 * ({@code >=} where sacrebleu has {@code >}), so two identical systems get p = 1 instead of sacrebleu's
 * 1/(R+1), which would call a system significantly different from itself (with continuous scores ties
 * otherwise have probability zero); and the resample indices come from {@link SplittableRandom} rather than
 * numpy's PCG64, so intervals agree with sacrebleu's in distribution, not digit for digit.
 */
public final class PairedBootstrap {

    private PairedBootstrap() {}

    /** Resample count and seed; sacrebleu's defaults are 1000 and 12345. */
    public record Config(int resamples, long seed) {

        public Config {
            if (resamples < 40) {
                throw new IllegalArgumentException("paired bootstrap needs at least 40 resamples for a 95% interval, got "
                        + resamples);
            }
        }

        public static Config defaults() {
            return new Config(1000, 12345L);
        }
    }

    /**
     * The comparison of a system with a baseline.
     *
     * @param observedDifference system score minus baseline score on the full corpus
     * @param meanDifference mean of the resampled differences
     * @param ciLower lower end of the 95% interval of the difference
     * @param ciUpper upper end of the 95% interval of the difference
     * @param pValue probability of a difference at least this large if the systems were equal
     * @param systemMean mean resampled system score (sacrebleu's μ)
     * @param systemCi half-width of the system's 95% interval (sacrebleu's ±)
     */
    public record Result(String metric, String signature, int samples, int resamples, long seed, double baselineScore,
            double systemScore, double observedDifference, double meanDifference, double ciLower, double ciUpper,
            double pValue, double baselineMean, double baselineCi, double systemMean, double systemCi) {

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
    }

    public static Result compare(MetricResult baseline, MetricResult system, Config config) {
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
        for (int k = 0; k < r; k++) {
            for (int i = 0; i < n; i++) {
                idx[i] = rng.nextInt(n);
            }
            bl[k] = baseline.resampledScore(idx);
            sys[k] = system.resampledScore(idx);
        }
        double observed = system.score() - baseline.score();
        double[] diffs = new double[r];
        double[] absDiffs = new double[r];
        for (int k = 0; k < r; k++) {
            diffs[k] = sys[k] - bl[k];
            absDiffs[k] = Math.abs(diffs[k]);
        }
        double absMean = mean(absDiffs);
        int exceed = 0;
        for (double d : absDiffs) {
            if (d - absMean >= Math.abs(observed)) {
                exceed++;
            }
        }
        double[] diffCi = interval(diffs);
        double[] blCi = interval(bl);
        double[] sysCi = interval(sys);
        return new Result(system.metric(), system.signature(), n, r, config.seed(), baseline.score(), system.score(),
                observed, mean(diffs), diffCi[0], diffCi[1], (exceed + 1.0) / (r + 1.0), mean(bl),
                0.5 * (blCi[1] - blCi[0]), mean(sys), 0.5 * (sysCi[1] - sysCi[0]));
    }

    /** sacrebleu's 95% bounds: the (R/40)-th smallest and largest of the sorted values. */
    static double[] interval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int lower = sorted.length / 40;
        int upper = sorted.length - lower - 1;
        return new double[] {sorted[lower], sorted[upper]};
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
