package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The learned scheduler's classifier: its backward pass, its training, and its labels. */
@Tag("unit")
class ClassifierTest {

    static CacheFeatures randomFeatures(Random rnd, int length, int headDim) {
        float[] k = new float[length * headDim];
        float[] v = new float[length * headDim];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) rnd.nextGaussian();
            v[i] = (float) rnd.nextGaussian();
        }
        return new CacheFeatures(length, headDim, k, v);
    }

    @Test
    void theHandWrittenGradientMatchesCentralFiniteDifferences() {
        SwitchClassifier.Layout l = new SwitchClassifier.Layout(2, 3, 4);
        double[] p = SwitchClassifier.initial(l, 9L).parameters();
        CacheFeatures x = randomFeatures(new Random(1), 5, 4);
        double[] grad = new double[p.length];
        SwitchClassifier.lossAndGradient(l, p, x, 2, grad);
        double h = 1e-6;
        for (int i = 0; i < p.length; i++) {
            double[] plus = p.clone();
            double[] minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (SwitchClassifier.loss(l, plus, x, 2) - SwitchClassifier.loss(l, minus, x, 2)) / (2 * h);
            assertThat(grad[i]).as("parameter %d", i).isCloseTo(numeric, within(1e-6 + 1e-4 * Math.abs(numeric)));
        }
    }

    @Test
    void trainingLearnsASeparableTaskAndIsDeterministic() {
        Random rnd = new Random(4);
        List<LabelledFeatures> data = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            int label = i % 4;
            CacheFeatures f = randomFeatures(rnd, 3 + i % 5, 4);
            float[] v = f.values();
            for (int t = 0; t < f.length(); t++) {
                v[t * 4 + label] += 4f;
            }
            data.add(new LabelledFeatures("x" + i, new CacheFeatures(f.length(), 4, f.keys(), v), label));
        }
        ClassifierTrainer.Config c = new ClassifierTrainer.Config(2, 2, 80, 16, 1e-2, 1e-4, 0.25, 3L);
        ClassifierTrainer.Result a = ClassifierTrainer.train(data, 4, c);
        ClassifierTrainer.Result b = ClassifierTrainer.train(data, 4, c);
        assertThat(a.validation()).hasSize(20);
        assertThat(a.validationAccuracy()).isGreaterThan(0.8).isGreaterThan(a.majorityRate());
        assertThat(a.validationBalancedAccuracy()).isGreaterThan(0.8);
        assertThat(a.classifier().parameters()).containsExactly(b.classifier().parameters());
    }

    @Test
    void theLabelIsTheSmallestSwitchPointReachingNeverSwitchingsRougeLToThreeDecimals() {
        assertThat(LearnedData.label(new double[] {0.2, 0.5, 0.5, 0.5})).isEqualTo(1);
        assertThat(LearnedData.label(new double[] {0.6, 0.5, 0.4, 0.5})).isEqualTo(0);
        assertThat(LearnedData.label(new double[] {0.1, 0.2, 0.3, 0.5})).isEqualTo(3);
        // 0.4996 and 0.5004 both round to 0.500, as the authors' code compares them.
        assertThat(LearnedData.label(new double[] {0.4996, 0.45, 0.45, 0.5004})).isEqualTo(0);
        assertThat(LearnedData.label(new double[] {0.4994, 0.45, 0.5004, 0.5004})).isEqualTo(2);
    }

    static List<LabelledFeatures> labelled(int... counts) {
        Random rnd = new Random(8);
        List<LabelledFeatures> out = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            for (int i = 0; i < counts[k]; i++) {
                out.add(new LabelledFeatures("c" + k + "-" + i, randomFeatures(rnd, 2, 4), k));
            }
        }
        return out;
    }

    @Test
    void oversamplingRaisesEveryClassToTheLargestKeepingEveryOriginal() {
        List<LabelledFeatures> train = labelled(10, 3, 0, 1);
        List<LabelledFeatures> balanced = ClassifierTrainer.oversample(train, new Random(5));
        assertThat(LearnedData.counts(balanced)).containsExactly(10, 10, 0, 10);
        assertThat(balanced).containsAll(train);
        assertThat(balanced.stream().filter(e -> e.label() == 3)).allMatch(e -> e.id().equals("c3-0"));
        assertThat(ClassifierTrainer.oversample(train, new Random(5))).isEqualTo(balanced);
    }

    @Test
    void theHeldOutAccuracyIsReportedBesideTheMajorityClassRate() {
        // Features carry no signal: whatever the classifier learns, the majority-class rate is the bar it must clear.
        List<LabelledFeatures> data = labelled(60, 20, 10, 10);
        ClassifierTrainer.Result r = ClassifierTrainer.train(data, 4,
                new ClassifierTrainer.Config(1, 1, 2, 16, 1e-3, 0, 0.1, 3L));
        assertThat(r.trainClassCounts()).containsExactly(54, 18, 9, 9);
        assertThat(r.balancedCount()).isEqualTo(54);
        assertThat(r.majorityClass()).isZero();
        assertThat(LearnedData.counts(r.validation())).containsExactly(6, 2, 1, 1);
        assertThat(r.majorityRate()).isEqualTo(0.6);
    }

    @Test
    void cacheFeaturesAverageTheKeyValueHeads() {
        org.pmpdrepro.decode.LayerKv kv = new org.pmpdrepro.decode.LayerKv(2, 1, 2,
                new float[] {1, 2, 3, 6}, new float[] {0, 0, 4, 8});
        CacheFeatures f = CacheFeatures.of(kv);
        assertThat(f.keys()).containsExactly(2f, 4f);
        assertThat(f.values()).containsExactly(2f, 4f);
    }
}
