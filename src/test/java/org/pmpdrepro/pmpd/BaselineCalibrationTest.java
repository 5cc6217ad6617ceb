package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.TaskScorer;

/** The random and confidence baselines fitted to the static scheduler's calibration bits. */
@Tag("unit")
class BaselineCalibrationTest {

    static final PrecisionPair PAIR = PrecisionPair.parse("4>3");
    static final int N = 24;

    /** Per prompt and class, the bits of switching at {@code [0, N/3, 2N/3, N][k]} for a random decode length. */
    static double[][] classBits(int prompts, long seed) {
        Random rnd = new Random(seed);
        int[] candidates = SwitchPoints.candidates(N);
        double[][] bits = new double[prompts][SwitchPoints.CLASSES];
        for (int i = 0; i < prompts; i++) {
            int d = 2 + rnd.nextInt(N - 1);
            for (int k = 0; k < SwitchPoints.CLASSES; k++) {
                int high = Math.min(candidates[k], d);
                bits[i][k] = (high * 4.0 + (d - high) * 3.0) / d;
            }
        }
        return bits;
    }

    @Test
    void tiltingKeepsTheBasePriorAtZeroAndMovesMassToLaterSwitchPointsAsItGrows() {
        assertThat(BaselineCalibration.tilted(new double[] {2, 1, 1, 0}, 0)).containsExactly(0.5, 0.25, 0.25, 0.0);
        double[][] bits = classBits(64, 1);
        double previous = 0;
        for (double theta = -5; theta <= 5; theta += 0.5) {
            double[] p = BaselineCalibration.tilted(new double[] {1, 2, 3, 4}, theta);
            assertThat(p[0] + p[1] + p[2] + p[3]).isCloseTo(1.0, within(1e-12));
            double e = BaselineCalibration.expectedBits(bits, p);
            assertThat(e).isGreaterThan(previous);
            previous = e;
        }
    }

    @Test
    void bothRandomBaselinesSpendTheTargetsBitsOnCalibrationWithinFiveHundredths() {
        double[][] bits = classBits(512, 2);
        for (double target : new double[] {3.2, 3.5, 3.79, 3.95}) {
            for (double[] base : List.of(new double[] {1, 1, 1, 1}, new double[] {167, 83, 78, 56})) {
                BaselineCalibration.RandomFit f = BaselineCalibration.fitRandom(base[0] == 1 ? "uniform"
                        : "label-prior", base, bits, target, PAIR, Schedulers.DEFAULT_SEED);
                assertThat(f.expectedBits()).as("target %.2f", target).isCloseTo(target, within(1e-6));
                assertThat(f.calibrationBits()).as("target %.2f", target)
                        .isCloseTo(target, within(BaselineCalibration.TOLERANCE));
                RandomScheduler s = RandomScheduler.matched(PAIR, f.base(), f.prior(), Schedulers.DEFAULT_SEED);
                assertThat(BaselineCalibration.drawnBits(bits, s)).isEqualTo(f.calibrationBits());
                assertThat(s.name()).isEqualTo("random-" + f.base() + "-matched");
            }
        }
    }

    @Test
    void aPriorThatCannotReachTheTargetIsRefused() {
        double[][] bits = classBits(128, 3);
        assertThatThrownBy(() -> BaselineCalibration.fitRandom("label-prior", new double[] {5, 0, 0, 0}, bits, 3.6,
                PAIR, 1L)).hasMessageContaining("random-label-prior-matched cannot match")
                .hasMessageContaining("3.6000");
    }

    /** Top probabilities that drift up with noise, and each prompt's decode length. */
    static BaselineCalibration.Estimator estimator(int prompts, long seed) {
        Random rnd = new Random(seed);
        List<double[]> top = new ArrayList<>();
        int[] steps = new int[prompts];
        for (int i = 0; i < prompts; i++) {
            steps[i] = 6 + rnd.nextInt(N - 5);
            double[] t = new double[steps[i] + 1];
            for (int s = 0; s < t.length; s++) {
                t[s] = Math.min(1, 0.3 + 0.02 * s + 0.2 * rnd.nextDouble());
            }
            top.add(t);
        }
        return new BaselineCalibration.Estimator(PAIR, top, steps);
    }

    @Test
    void theConfidenceRuleKeepsThePublicWarmupWhereItCanAndComesCloseToTheAimedBits() {
        BaselineCalibration.Estimator e = estimator(400, 4);
        // Switching right after a 10-token warm-up: the fewest bits the public rule can spend.
        double floor = e.bits(ConfidenceScheduler.matched(PAIR, 10, -1e6));
        ConfidenceScheduler high = e.fit(floor + 0.15);
        assertThat(high.warmup()).isEqualTo(10);
        assertThat(e.bits(high)).isCloseTo(floor + 0.15, within(0.01));
        ConfidenceScheduler low = e.fit(floor - 0.15);
        assertThat(low.warmup()).isLessThan(10);
        assertThat(e.bits(low)).isCloseTo(floor - 0.15, within(0.02));
        assertThat(low.name()).isEqualTo("confidence-matched");
    }

    @Test
    void theConfidenceEstimateIsTheRulesSwitchStepOnTheHighPrecisionProbabilities() {
        double[] top = {0.5, 0.6, 0.4, 0.9, 0.2};
        BaselineCalibration.Estimator e = new BaselineCalibration.Estimator(PAIR, List.of(top), new int[] {4});
        // Warm-up of 2 (0.5, 0.6): threshold 0.55 + 0 * 0.05; step 2's 0.4 does not cross, step 3's 0.9 does, so
        // decode steps 1..3 run high and step 4 low.
        assertThat(e.bits(ConfidenceScheduler.matched(PAIR, 2, 0))).isEqualTo((3 * 4.0 + 3.0) / 4);
        assertThat(e.bits(ConfidenceScheduler.matched(PAIR, 2, 100))).isEqualTo(4.0);
    }

    static QuantizedSession session;

    @BeforeAll
    static void open() throws Exception {
        session = QuantizedSession.open(ModelBundle.DEFAULT_DIR, DeviceChoice.parse("cpu"), TinyBackbone.rtnOfAnyModel(),
                TaskFixtures.DEFAULT_DIR, 32,
                TaskScorer.Config.defaults().withBertScore(false));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void onTheFixtureModelEachFittedBaselineDecodesTheCalibrationPromptsAtTheStaticSchedulersBits(@TempDir Path dir)
            throws Exception {
        List<TaskExample> calibration = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.CALIBRATION)
                .subList(0, 96);
        StaticSearch.Search search = StaticSearch.search(session.runner(), calibration, PAIR,
                new StaticSearch.Config(4, 0.1, 0));
        BaselineCalibration.Fit fit = BaselineCalibration.fit(session.runner(), search, new int[] {50, 20, 15, 11},
                Schedulers.DEFAULT_SEED);
        assertThat(fit.targetBits()).isEqualTo(search.outcome().chosenRow().averageBits());
        assertThat(fit.confidence().checks()).isNotEmpty().hasSizeLessThanOrEqualTo(BaselineCalibration.MAX_DECODES);
        TestProvenance.saveBaselines(dir, fit);
        for (String name : BaselineStore.NAMES) {
            Scheduler s = BaselineStore.load(dir, "rtn", Task.DEBSUM, PAIR, PAIR, name);
            assertThat(s.name()).isEqualTo(name);
            double bits = session.runner().run(Split.CALIBRATION, calibration, PAIR, s).averageBits();
            assertThat(bits).as(name).isCloseTo(fit.targetBits(), within(BaselineCalibration.TOLERANCE));
        }
    }
}
