package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SwitchClassifier} as the paper's code does: a stratified held-out split, the training classes
 * balanced by oversampling (every class's examples drawn again with replacement until it is as large as the largest
 * class), Adam with (L2) weight decay, cross-entropy, epochs over the shuffled balanced set. Deterministic for a
 * given seed. The held-out accuracy is reported beside the rate of always predicting the training majority class,
 * which a classifier has to beat to carry any information.
 */
public final class ClassifierTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTrainer.class);

    /**
     * @param epochs passes over the oversampled training set
     * @param batch examples per optimiser step
     * @param learningRate Adam step size
     * @param weightDecay L2 coefficient added to the gradient (PyTorch {@code Adam(weight_decay=...)})
     * @param validationFraction share of examples held out, stratified by class (the authors hold out 10%)
     */
    public record Config(int pools, int queriesPerPool, int epochs, int batch, double learningRate,
            double weightDecay, double validationFraction, long seed) {

        public Config {
            if (epochs < 1 || batch < 1 || !(learningRate > 0) || weightDecay < 0
                    || !(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("classifier training: epochs " + epochs + ", batch " + batch
                        + ", learning rate " + learningRate + ", weight decay " + weightDecay
                        + ", validation fraction " + validationFraction + "; expected positive epochs, batch and"
                        + " rate, non-negative decay and a fraction in (0, 1)");
            }
        }

        public static Config defaults() {
            return new Config(2, 2, 8, 16, 1e-3, 1e-4, 0.1, 17L);
        }
    }

    /**
     * A trained classifier with its held-out split and accuracies (computed with float-rounded parameters).
     *
     * @param trainClassCounts training examples per class before oversampling
     * @param balancedCount examples per class after oversampling
     * @param majorityClass the most frequent training class (ties: the smaller)
     * @param majorityRate share of held-out examples of {@code majorityClass}: the accuracy of always predicting it
     * @param validationBalancedAccuracy mean over held-out classes of the share of that class predicted right
     */
    public record Result(SwitchClassifier classifier, List<LabelledFeatures> train, List<LabelledFeatures> validation,
            double trainAccuracy, double validationAccuracy, int[] trainClassCounts, int balancedCount,
            int majorityClass, double majorityRate, double validationBalancedAccuracy) {}

    private ClassifierTrainer() {}

    public static Result train(List<LabelledFeatures> examples, int headDim, Config config) {
        if (examples.size() < 2) {
            throw new IllegalArgumentException("classifier training needs at least 2 examples; got " + examples.size());
        }
        Random rnd = new Random(config.seed());
        List<LabelledFeatures> train = new ArrayList<>();
        List<LabelledFeatures> validation = new ArrayList<>();
        for (int k = 0; k < SwitchPoints.CLASSES; k++) {
            List<LabelledFeatures> ofClass = new ArrayList<>();
            for (LabelledFeatures e : examples) {
                if (e.label() == k) {
                    ofClass.add(e);
                }
            }
            Collections.shuffle(ofClass, rnd);
            int held = (int) Math.round(ofClass.size() * config.validationFraction());
            validation.addAll(ofClass.subList(0, held));
            train.addAll(ofClass.subList(held, ofClass.size()));
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples left after holding out the validation split");
        }
        int[] counts = LearnedData.counts(train);
        List<LabelledFeatures> balanced = oversample(train, rnd);

        SwitchClassifier.Layout layout = new SwitchClassifier.Layout(config.pools(), config.queriesPerPool(), headDim);
        double[] p = SwitchClassifier.initial(layout, config.seed()).parameters();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double b1 = 0.9;
        double b2 = 0.999;
        Progress progress = Progress.of(LOG, "classifier", config.epochs(), "epochs");
        int step = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            Collections.shuffle(balanced, rnd);
            double loss = 0;
            for (int from = 0; from < balanced.size(); from += config.batch()) {
                List<LabelledFeatures> batch = balanced.subList(from, Math.min(balanced.size(), from + config.batch()));
                double[] grad = new double[p.length];
                for (LabelledFeatures e : batch) {
                    loss += SwitchClassifier.lossAndGradient(layout, p, e.features(), e.label(), grad);
                }
                step++;
                for (int i = 0; i < p.length; i++) {
                    double g = grad[i] / batch.size() + config.weightDecay() * p[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(b1, step));
                    double vHat = v[i] / (1 - Math.pow(b2, step));
                    p[i] -= config.learningRate() * mHat / (Math.sqrt(vHat) + 1e-8);
                }
            }
            double meanLoss = loss / balanced.size();
            progress.advanceTo(epoch, () -> String.format(Locale.ROOT, "mean loss %.4f over %d examples", meanLoss,
                    balanced.size()));
        }
        SwitchClassifier trained = new SwitchClassifier(layout, roundToFloat(p));
        int majority = 0;
        for (int k = 1; k < counts.length; k++) {
            if (counts[k] > counts[majority]) {
                majority = k;
            }
        }
        int majorityClass = majority;
        double majorityRate = validation.isEmpty() ? Double.NaN
                : (double) validation.stream().filter(e -> e.label() == majorityClass).count() / validation.size();
        return new Result(trained, List.copyOf(train), List.copyOf(validation), accuracy(trained, train),
                accuracy(trained, validation), counts, balanced.size() / present(counts), majorityClass,
                majorityRate, balancedAccuracy(trained, validation));
    }

    /**
     * Every class of {@code train} raised to the size of its largest class: all its examples, then copies drawn
     * with replacement (seeded by {@code rnd}). Classes without examples stay absent.
     */
    public static List<LabelledFeatures> oversample(List<LabelledFeatures> train, Random rnd) {
        List<List<LabelledFeatures>> byClass = new ArrayList<>();
        for (int k = 0; k < SwitchPoints.CLASSES; k++) {
            byClass.add(new ArrayList<>());
        }
        train.forEach(e -> byClass.get(e.label()).add(e));
        int target = byClass.stream().mapToInt(List::size).max().orElse(0);
        List<LabelledFeatures> out = new ArrayList<>();
        for (List<LabelledFeatures> ofClass : byClass) {
            out.addAll(ofClass);
            for (int i = ofClass.size(); i < target && !ofClass.isEmpty(); i++) {
                out.add(ofClass.get(rnd.nextInt(ofClass.size())));
            }
        }
        return out;
    }

    /** Share of {@code examples} whose predicted class is their label (NaN for none). */
    public static double accuracy(SwitchClassifier c, List<LabelledFeatures> examples) {
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        int right = 0;
        for (LabelledFeatures e : examples) {
            if (c.predict(e.features()) == e.label()) {
                right++;
            }
        }
        return (double) right / examples.size();
    }

    /** Mean over the classes present in {@code examples} of the share of that class predicted right (NaN for none). */
    public static double balancedAccuracy(SwitchClassifier c, List<LabelledFeatures> examples) {
        int[] seen = new int[SwitchPoints.CLASSES];
        int[] right = new int[SwitchPoints.CLASSES];
        for (LabelledFeatures e : examples) {
            seen[e.label()]++;
            if (c.predict(e.features()) == e.label()) {
                right[e.label()]++;
            }
        }
        double sum = 0;
        int classes = 0;
        for (int k = 0; k < seen.length; k++) {
            if (seen[k] > 0) {
                sum += (double) right[k] / seen[k];
                classes++;
            }
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    private static int present(int[] counts) {
        return (int) java.util.Arrays.stream(counts).filter(c -> c > 0).count();
    }

    /** Parameters are saved as fp32; rounding before evaluation makes the saved accuracy the reproducible one. */
    private static double[] roundToFloat(double[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }
}
