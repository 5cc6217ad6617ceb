package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;

/**
 * Each back-bone decodes with schedules fitted on itself: a lookup for one back-bone refuses a file fitted on
 * another, and a missing one names the command that fits it.
 */
@Tag("unit")
class PerBackboneLookupTest {

    static final PrecisionPair PAIR = PrecisionPair.parse("4>3");

    static StaticSearch.Outcome outcome(String backbone) {
        List<StaticSearch.Row> rows = List.of(new StaticSearch.Row(0, 3.0, 0.20), new StaticSearch.Row(8, 3.7, 0.24),
                new StaticSearch.Row(16, 3.9, 0.25), new StaticSearch.Row(24, 4.0, 0.25));
        return new StaticSearch.Outcome(Task.DEBSUM, PAIR, backbone, StaticSearch.Config.defaults(), 512,
                "dataset reference", "rougeL", new StaticSearch.Row(-1, 3.0, 0.19), rows, 0.06, 0.006, 8);
    }

    /** Copies {@code backbone}'s file to where {@code other}'s would be, as a schedule reused across back-bones. */
    static void reuse(Path file, String backbone, String other) throws Exception {
        Path copy = file.getParent().getParent().resolve(other).resolve(file.getFileName());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
    }

    @Test
    void aStaticSearchFittedOnAnyPrecisionIsRefusedForGptq(@TempDir Path dir) throws Exception {
        Path f = TestProvenance.saveStatic(dir, outcome("any-precision"));
        assertThat(f).isEqualTo(dir.resolve("any-precision").resolve("debsum-4-3.json"));
        assertThat(StaticStore.chosen(dir, "any-precision", Task.DEBSUM, PAIR)).isEqualTo(8);
        reuse(f, "any-precision", "gptq");
        assertThatThrownBy(() -> StaticStore.chosen(dir, "gptq", Task.DEBSUM, PAIR))
                .hasMessageContaining("was fitted on back-bone 'any-precision', not 'gptq'")
                .hasMessageContaining("pmpd schedule static-search --backbone gptq");
        assertThatThrownBy(() -> StaticStore.chosen(dir, "haq", Task.DEBSUM, PAIR))
                .hasMessageContaining("no static search fitted on back-bone haq")
                .hasMessageContaining("pmpd schedule static-search --backbone haq --tasks debsum --pairs 4>3")
                .hasMessageContaining(FittedFiles.FIT_SCRIPT);
        assertThatThrownBy(() -> StaticStore.chosen(dir, "any-precision", Task.DEBSUM, PrecisionPair.parse("3>2")))
                .hasMessageContaining("no static search");
    }

    @Test
    void aLearnedClassifierTrainedOnAnyPrecisionIsRefusedForBitMixer(@TempDir Path dir) throws Exception {
        Random rnd = new Random(2);
        List<LabelledFeatures> data = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            data.add(new LabelledFeatures("x" + i, ClassifierTest.randomFeatures(rnd, 3, 4), i % 4));
        }
        ClassifierTrainer.Config config = new ClassifierTrainer.Config(1, 1, 1, 8, 1e-3, 0, 0.25, 1L);
        LearnedStore.save(dir, "any-precision", PAIR, ClassifierTrainer.train(data, 4, config), config,
                TestProvenance.learned());
        assertThat(LearnedStore.load(dir, "any-precision", PAIR).card().backbone())
                .isEqualTo("any-precision");
        Path card = LearnedStore.card(dir, "any-precision", PAIR);
        reuse(card, "any-precision", "bit-mixer");
        reuse(LearnedStore.weights(dir, "any-precision", PAIR), "any-precision", "bit-mixer");
        assertThatThrownBy(() -> LearnedStore.load(dir, "bit-mixer", PAIR))
                .hasMessageContaining("was fitted on back-bone 'any-precision', not 'bit-mixer'")
                .hasMessageContaining("pmpd schedule train-learned --backbone bit-mixer");
        assertThatThrownBy(() -> Schedulers.create("learned", Schedulers.Target.of(Task.DEBSUM, PAIR, "bit-mixer",
                null, Double.NaN), sources(dir))).hasMessageContaining("not 'bit-mixer'");
        assertThatThrownBy(() -> Schedulers.create("random-label-prior", Schedulers.Target.of(Task.DEBSUM, PAIR,
                "gptq", null, Double.NaN), sources(dir))).hasMessageContaining("no learned classifier fitted on"
                + " back-bone gptq");
    }

    @Test
    void bitsMatchedBaselinesFittedForOneBackboneAreRefusedForAnother(@TempDir Path dir) throws Exception {
        BaselineCalibration.RandomFit r = new BaselineCalibration.RandomFit("uniform", new double[] {.25, .25, .25,
                .25}, 0.1, new double[] {.2, .2, .3, .3}, 3.7, 3.71);
        BaselineCalibration.Fit fit = new BaselineCalibration.Fit(Task.DEBSUM, PAIR, "any-precision", 8, 3.7, 512,
                7L, r, new BaselineCalibration.RandomFit("label-prior", new double[] {.4, .3, .2, .1}, 0.5,
                        new double[] {.3, .3, .2, .2}, 3.7, 3.69), new BaselineCalibration.ConfidenceFit(8, -1.25,
                        3.70, 3.72, List.of(new BaselineCalibration.Check(8, -1.25, 3.70, 3.72))));
        Path f = TestProvenance.saveBaselines(dir, fit);
        Scheduler conf = BaselineStore.load(dir, "any-precision", Task.DEBSUM, PAIR, PAIR, "confidence-matched");
        assertThat(conf).isEqualTo(ConfidenceScheduler.matched(PAIR, 8, -1.25));
        RandomScheduler uniform = (RandomScheduler) BaselineStore.load(dir, "any-precision", Task.DEBSUM, PAIR, PAIR,
                "random-uniform-matched");
        assertThat(uniform.prior()).containsExactly(.2, .2, .3, .3);
        assertThat(uniform.seed()).isEqualTo(7L);
        reuse(f, "any-precision", "haq");
        assertThatThrownBy(() -> Schedulers.create("confidence-matched", Schedulers.Target.of(Task.DEBSUM, PAIR,
                "haq", null, Double.NaN), sources(dir))).hasMessageContaining("was fitted on back-bone"
                + " 'any-precision', not 'haq'").hasMessageContaining("--calibrate-baselines");
    }

    static Schedulers.Sources sources(Path dir) {
        return new Schedulers.Sources(dir, dir, dir, Schedulers.Sources.defaults().fisherFile(), 1L);
    }
}
