package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The random and confidence baselines fitted, on the calibration prompts of the static search, to spend the static
 * scheduler's average decode bits there within {@link #TOLERANCE}, so that "the static scheduler beats random
 * switching" compares where to spend a bit budget and not how large it is.
 *
 * <ul>
 *   <li><b>Random</b> ({@code random-uniform-matched}, {@code random-label-prior-matched}): the class prior
 *       {@code b_k} (uniform, or the learned scheduler's training labels) tilted exponentially,
 *       {@code p_k ∝ b_k e^{θk}}: one parameter that moves mass towards later or earlier switch points and keeps the
 *       base prior's shape at {@code θ = 0}. {@code θ} makes the expected bits over the calibration prompts equal the
 *       target (each prompt's bits under each class are measured: they are the search's decodes of the four
 *       candidate switch points); the seeded draws' realised bits on the same prompts must also be within the
 *       tolerance.
 *   <li><b>Confidence</b> ({@code confidence-matched}): the rule's multiplier {@code z} in "switch once a top
 *       probability exceeds the warm-up mean + z standard deviations", with the public code's 10-token warm-up
 *       shortened only where even switching right after the warm-up spends more bits than the target. Before it
 *       switches the rule sees only high-precision probabilities, so its switch step for any {@code z} is read off
 *       the search's never-switching decode; the bits that estimate implies are then checked by decoding the
 *       calibration prompts with the fitted rule (at most {@link #MAX_DECODES} times, each time aiming the estimate
 *       by the last miss, because a switch changes how long the continuation runs).
 * </ul>
 */
public final class BaselineCalibration {

    private static final Logger LOG = LoggerFactory.getLogger(BaselineCalibration.class);

    /** How close a fitted baseline's calibration bits must come to the static scheduler's. */
    public static final double TOLERANCE = 0.05;
    /** Calibration decodes the confidence fit may spend checking its estimate. */
    public static final int MAX_DECODES = 3;
    /** The public code's warm-up, the longest tried. */
    static final int WARMUP = 10;

    private static final double TILT_RANGE = 60;
    private static final double Z_RANGE = 1e6;

    /**
     * @param base {@code uniform} or {@code label-prior}
     * @param basePrior the prior before tilting (normalised)
     * @param tilt {@code θ}
     * @param expectedBits mean over calibration prompts of the bits expected under {@code prior}
     * @param calibrationBits the bits of the seeded draws on the calibration prompts
     */
    public record RandomFit(String base, double[] basePrior, double tilt, double[] prior, double expectedBits,
            double calibrationBits) {}

    /** One calibration decode of a fitted confidence rule: its estimate and what it measured. */
    public record Check(int warmup, double stds, double estimatedBits, double measuredBits) {}

    /** The fitted confidence rule: the last of {@code checks}, the one within tolerance. */
    public record ConfidenceFit(int warmup, double stds, double estimatedBits, double calibrationBits,
            List<Check> checks) {
        public ConfidenceFit {
            checks = List.copyOf(checks);
        }
    }

    /**
     * Every baseline fitted for one task and pair.
     *
     * @param targetBits the static scheduler's average decode bits on the calibration prompts
     */
    public record Fit(Task task, PrecisionPair pair, String backbone, int staticSwitchPoint, double targetBits,
            int examples, long seed, RandomFit uniform, RandomFit labelPrior, ConfidenceFit confidence) {
        public Fit {
            Objects.requireNonNull(task, "task");
        }
    }

    private BaselineCalibration() {}

    /**
     * Fits the three baselines to {@code search}'s chosen switch point; {@code labelCounts} are the training labels
     * of the learned scheduler of the same back-bone and pair, {@code seed} the random baselines' seed.
     */
    public static Fit fit(PmpdRunner runner, StaticSearch.Search search, int[] labelCounts, long seed) {
        StaticSearch.Outcome o = search.outcome();
        PrecisionPair pair = o.served();
        double target = o.chosenRow().averageBits();
        double[][] bits = classBits(search);
        RandomFit uniform = fitRandom("uniform", new double[] {1, 1, 1, 1}, bits, target, pair, seed);
        RandomFit prior = fitRandom("label-prior", Arrays.stream(labelCounts).asDoubleStream().toArray(), bits,
                target, pair, seed);
        ConfidenceFit confidence = fitConfidence(runner, search, target);
        LOG.info(String.format(Locale.ROOT, "baselines %s %s: target %.4f bits; random-uniform-matched %.4f,"
                + " random-label-prior-matched %.4f, confidence-matched %.4f", o.task().id(), pair, target,
                uniform.calibrationBits(), prior.calibrationBits(), confidence.calibrationBits()));
        return new Fit(o.task(), o.pair(), o.backbone(), o.chosen(), target, o.examples(), seed, uniform, prior,
                confidence);
    }

    /** {@code bits[i][k]}: prompt {@code i}'s average decode bits when it switches at candidate {@code k}. */
    static double[][] classBits(StaticSearch.Search search) {
        int[] candidates = SwitchPoints.candidates(search.outcome().task().maxNewTokens());
        int n = search.examples().size();
        double[][] bits = new double[n][SwitchPoints.CLASSES];
        for (int k = 0; k < SwitchPoints.CLASSES; k++) {
            CellResult cell = search.grid().get(candidates[k]);
            if (cell == null) {
                throw new IllegalArgumentException("the static search decoded no switch point " + candidates[k]
                        + "; its grid must hold the candidates " + Arrays.toString(candidates));
            }
            for (int i = 0; i < n; i++) {
                bits[i][k] = cell.sampleBits().get(i);
            }
        }
        return bits;
    }

    /** {@code base} tilted by {@code theta}: {@code p_k ∝ base_k e^{θk}}, normalised. */
    static double[] tilted(double[] base, double theta) {
        double[] log = new double[base.length];
        for (int k = 0; k < base.length; k++) {
            log[k] = base[k] > 0 ? Math.log(base[k]) + theta * k : Double.NEGATIVE_INFINITY;
        }
        return SwitchClassifier.softmax(log);
    }

    /** Mean over prompts with a decode step of the bits expected under {@code prior}. */
    static double expectedBits(double[][] bits, double[] prior) {
        double sum = 0;
        int n = 0;
        for (double[] row : bits) {
            if (Double.isNaN(row[0])) {
                continue;
            }
            double e = 0;
            for (int k = 0; k < prior.length; k++) {
                e += prior[k] * row[k];
            }
            sum += e;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Mean over prompts with a decode step of the bits of the class {@code scheduler} draws for each. */
    static double drawnBits(double[][] bits, RandomScheduler scheduler) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < bits.length; i++) {
            double b = bits[i][scheduler.classOf(i)];
            if (!Double.isNaN(b)) {
                sum += b;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static RandomFit fitRandom(String base, double[] basePrior, double[][] bits, double target, PrecisionPair pair,
            long seed) {
        double[] normalised = tilted(basePrior, 0);
        // Expected bits rise with θ: tilting moves mass to later switch points, which decode more steps high.
        double lo = -TILT_RANGE;
        double hi = TILT_RANGE;
        double theta;
        if (expectedBits(bits, tilted(basePrior, lo)) >= target) {
            theta = lo;
        } else if (expectedBits(bits, tilted(basePrior, hi)) <= target) {
            theta = hi;
        } else {
            for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
                double mid = (lo + hi) / 2;
                if (expectedBits(bits, tilted(basePrior, mid)) <= target) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            theta = (lo + hi) / 2;
        }
        double[] prior = tilted(basePrior, theta);
        double expected = expectedBits(bits, prior);
        double drawn = drawnBits(bits, RandomScheduler.matched(pair, base, prior, seed));
        String name = "random-" + base + "-matched";
        if (Math.abs(expected - target) > TOLERANCE || Math.abs(drawn - target) > TOLERANCE) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s cannot match the static scheduler's"
                    + " %.4f bits within %.2f: prior %s (θ = %.4f) expects %.4f bits and its seeded draws spend %.4f"
                    + " on the calibration prompts (base prior %s)", name, target, TOLERANCE,
                    Arrays.toString(prior), theta, expected, drawn, Arrays.toString(normalised)));
        }
        return new RandomFit(base, normalised, theta, prior, expected, drawn);
    }

    static ConfidenceFit fitConfidence(PmpdRunner runner, StaticSearch.Search search, double target) {
        StaticSearch.Outcome o = search.outcome();
        PrecisionPair pair = o.served();
        Estimator estimator = Estimator.of(search);
        List<Check> checks = new ArrayList<>();
        double aim = target;
        // Counted against the most decodes the fit may take: the ETA is an upper bound, and a match ends it early.
        Progress progress = Progress.of(LOG, "confidence-matched " + o.task().id() + " " + pair, MAX_DECODES,
                "calibration decodes at most");
        for (int attempt = 1; attempt <= MAX_DECODES; attempt++) {
            ConfidenceScheduler rule = estimator.fit(aim);
            double estimate = estimator.bits(rule);
            double measured = runner.run(Split.CALIBRATION, search.examples(), pair, rule).averageBits();
            checks.add(new Check(rule.warmup(), rule.stds(), estimate, measured));
            boolean matched = Math.abs(measured - target) <= TOLERANCE;
            progress.advance(1, () -> String.format(Locale.ROOT, "warm-up %d, z %.6f: estimated %.4f, decoded %.4f"
                    + " bits, target %.4f%s", rule.warmup(), rule.stds(), estimate, measured, target,
                    matched ? ", matched" : ""));
            if (matched) {
                return new ConfidenceFit(rule.warmup(), rule.stds(), estimate, measured, checks);
            }
            // The estimate misses by how much the switch changes the continuation's length; aim past it by as much.
            aim += target - measured;
        }
        throw new IllegalStateException(String.format(Locale.ROOT, "confidence-matched cannot match the static"
                + " scheduler's %.4f bits within %.2f on %s %s after %d calibration decodes: %s", target, TOLERANCE,
                o.task().id(), pair, MAX_DECODES, checks));
    }

    /**
     * The confidence rule's bits for any warm-up and multiplier, read off a never-switching decode: per prompt, the
     * high-precision top probabilities and the number of decode steps.
     */
    record Estimator(PrecisionPair pair, List<double[]> top, int[] steps) {

        static Estimator of(StaticSearch.Search search) {
            int never = search.outcome().task().maxNewTokens();
            CellResult high = search.grid().get(never);
            List<double[]> top = new ArrayList<>();
            int[] steps = new int[search.examples().size()];
            for (int i = 0; i < steps.length; i++) {
                SampleOutput s = high.outputs().samples().get(i);
                steps[i] = s.trace().size() - 1;
                top.add(search.highConfidence().of(i));
            }
            return new Estimator(search.outcome().served(), top, steps);
        }

        /** Mean over prompts with a decode step of the estimated average decode bits under {@code rule}. */
        double bits(ConfidenceScheduler rule) {
            double h = pair.high().averageBits();
            double l = pair.low().averageBits();
            double sum = 0;
            int n = 0;
            for (int i = 0; i < steps.length; i++) {
                int d = steps[i];
                if (d < 1) {
                    continue;
                }
                int highSteps = Math.min(rule.firstLowStep(top.get(i)) - 1, d);
                sum += (highSteps * h + (d - highSteps) * l) / d;
                n++;
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        /**
         * The rule whose estimated bits come closest to {@code aim}: the longest warm-up (10 down to 1) at which
         * switching right after it spends no more than {@code aim}, then the multiplier by bisection (the bits rise
         * with it: a higher threshold is crossed later); ties go to the larger multiplier.
         */
        ConfidenceScheduler fit(double aim) {
            int warmup = 1;
            for (int w = WARMUP; w >= 1; w--) {
                if (bits(ConfidenceScheduler.matched(pair, w, -Z_RANGE)) <= aim) {
                    warmup = w;
                    break;
                }
            }
            double lo = -Z_RANGE;
            double hi = Z_RANGE;
            if (bits(ConfidenceScheduler.matched(pair, warmup, lo)) >= aim) {
                return ConfidenceScheduler.matched(pair, warmup, lo);
            }
            if (bits(ConfidenceScheduler.matched(pair, warmup, hi)) <= aim) {
                return ConfidenceScheduler.matched(pair, warmup, hi);
            }
            for (int i = 0; i < 100 && hi - lo > 1e-9 * Math.max(1, Math.abs(lo)); i++) {
                double mid = (lo + hi) / 2;
                if (bits(ConfidenceScheduler.matched(pair, warmup, mid)) <= aim) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            double below = bits(ConfidenceScheduler.matched(pair, warmup, lo));
            double above = bits(ConfidenceScheduler.matched(pair, warmup, hi));
            return ConfidenceScheduler.matched(pair, warmup, aim - below < above - aim ? lo : hi);
        }
    }
}
