package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SwitchClassifier} as the paper's code does: class-balanced sampling, Adam with (L2) weight decay,
 * cross-entropy; a seeded held-out split gives the validation accuracy. Deterministic for a given seed.
 */
public final class ClassifierTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTrainer.class);

    /**
     * @param steps optimiser steps
     * @param batch examples per step, drawn class-balanced (a class uniformly, then an example of it)
     * @param learningRate Adam step size
     * @param weightDecay L2 coefficient added to the gradient (PyTorch {@code Adam(weight_decay=...)})
     * @param validationFraction share of examples held out, stratified by class
     */
    public record Config(int pools, int queriesPerPool, int steps, int batch, double learningRate,
            double weightDecay, double validationFraction, long seed) {

        public Config {
            if (steps < 1 || batch < 1 || !(learningRate > 0) || weightDecay < 0
                    || !(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("classifier training: steps " + steps + ", batch " + batch
                        + ", learning rate " + learningRate + ", weight decay " + weightDecay
                        + ", validation fraction " + validationFraction + "; expected positive steps, batch and rate,"
                        + " non-negative decay and a fraction in (0, 1)");
            }
        }

        public static Config defaults() {
            return new Config(2, 2, 600, 16, 1e-3, 1e-4, 0.2, 17L);
        }
    }

    /** A trained classifier with its held-out split and accuracies (computed with float-rounded parameters). */
    public record Result(SwitchClassifier classifier, List<LabelledFeatures> train, List<LabelledFeatures> validation,
            double trainAccuracy, double validationAccuracy, int[] trainClassCounts) {}

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
        List<List<LabelledFeatures>> byClass = new ArrayList<>();
        int[] counts = new int[SwitchPoints.CLASSES];
        for (int k = 0; k < SwitchPoints.CLASSES; k++) {
            byClass.add(new ArrayList<>());
        }
        for (LabelledFeatures e : train) {
            byClass.get(e.label()).add(e);
            counts[e.label()]++;
        }
        List<Integer> present = new ArrayList<>();
        for (int k = 0; k < SwitchPoints.CLASSES; k++) {
            if (!byClass.get(k).isEmpty()) {
                present.add(k);
            }
        }
        if (present.isEmpty()) {
            throw new IllegalArgumentException("no training examples left after holding out the validation split");
        }

        SwitchClassifier.Layout layout = new SwitchClassifier.Layout(config.pools(), config.queriesPerPool(), headDim);
        double[] p = SwitchClassifier.initial(layout, config.seed()).parameters();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double b1 = 0.9;
        double b2 = 0.999;
        long start = System.nanoTime();
        for (int step = 1; step <= config.steps(); step++) {
            double[] grad = new double[p.length];
            double loss = 0;
            for (int b = 0; b < config.batch(); b++) {
                List<LabelledFeatures> pool = byClass.get(present.get(rnd.nextInt(present.size())));
                LabelledFeatures e = pool.get(rnd.nextInt(pool.size()));
                loss += SwitchClassifier.lossAndGradient(layout, p, e.features(), e.label(), grad);
            }
            for (int i = 0; i < p.length; i++) {
                double g = grad[i] / config.batch() + config.weightDecay() * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, step));
                double vHat = v[i] / (1 - Math.pow(b2, step));
                p[i] -= config.learningRate() * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            if (step % 100 == 0 || step == config.steps()) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                LOG.info("classifier step {}/{}: batch loss {}, ETA {} s", step, config.steps(),
                        String.format(java.util.Locale.ROOT, "%.4f", loss / config.batch()),
                        String.format(java.util.Locale.ROOT, "%.0f", elapsed / step * (config.steps() - step)));
            }
        }
        SwitchClassifier trained = new SwitchClassifier(layout, roundToFloat(p));
        return new Result(trained, List.copyOf(train), List.copyOf(validation), accuracy(trained, train),
                accuracy(trained, validation), counts);
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

    /** Parameters are saved as fp32; rounding before evaluation makes the saved accuracy the reproducible one. */
    private static double[] roundToFloat(double[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }
}
