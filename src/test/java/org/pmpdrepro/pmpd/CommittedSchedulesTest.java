package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;

/**
 * The committed schedules of Any-Precision (A1's back-bone, fitted by {@code fixtures/pmpd/fit-schedules
 * any-precision}) are what their files say: searched on each task's headline metric over at least 256 calibration
 * prompts with the stated tolerance, classifiers that reproduce their held-out accuracy, baselines within 0.05 bits of
 * the static scheduler's calibration bits, all from the committed model and calibration files.
 */
class CommittedSchedulesTest {

    static final String BACKBONE = "any-precision";
    static final String REFIT = "refit with fixtures/pmpd/fit-schedules " + BACKBONE;
    static String modelSha;

    @BeforeAll
    static void identity() throws Exception {
        try (ModelBundle bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU)) {
            modelSha = bundle.identity().sha256();
        }
    }

    static List<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (Task t : Task.values()) {
            for (String p : List.of("4>3", "3>2")) {
                out.add(Arguments.of(t, PrecisionPair.parse(p)));
            }
        }
        return out;
    }

    /** The file, after checking that it was fitted on the committed model and that {@code input} is unchanged. */
    static JsonNode committed(Path file, String input) throws Exception {
        JsonNode n = Json.read(file);
        fromCommittedInputs(n, file);
        sameFile(n.get(input), file);
        return n;
    }

    static void fromCommittedInputs(JsonNode n, Path file) {
        assertThat(n.get("backbone").asText()).as(file.toString()).isEqualTo(BACKBONE);
        assertThat(n.get("model_sha256").asText()).as(file + ": model; " + REFIT).isEqualTo(modelSha);
        assertThat(n.get("backbone_sha256").asText()).as(file.toString()).hasSize(64);
    }

    static void sameFile(JsonNode input, Path file) {
        Path f = Path.of(input.get("file").asText());
        assertThat(input.get("sha256").asText()).as(file + ": input " + f + "; " + REFIT)
                .isEqualTo(Hashes.sha256Hex(f));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cells")
    void eachStaticSearchDecidedByItsTasksHeadlineMetricWithinATenthOfTheGapOnAtLeast256Prompts(Task task,
            PrecisionPair pair) throws Exception {
        Path f = StaticStore.file(StaticStore.DEFAULT_DIR, BACKBONE, task, pair);
        JsonNode n = committed(f, "calibration_split");
        assertThat(n.get("command").asText()).startsWith("pmpd pmpd static-search");
        assertThat(n.get("metric").asText()).as(f.toString()).isEqualTo(StaticSearch.headlineMetric(task));
        assertThat(n.get("calibration_examples").asInt()).as(f.toString()).isGreaterThanOrEqualTo(256)
                .isEqualTo(TaskFixtures.load(TaskFixtures.DEFAULT_DIR, task, Split.CALIBRATION).size());
        List<StaticSearch.Row> rows = new ArrayList<>();
        for (JsonNode r : n.get("table")) {
            rows.add(new StaticSearch.Row(r.get("switch_point").asInt(), r.get("average_bits").asDouble(),
                    r.get("score").asDouble()));
        }
        double gap = rows.get(rows.size() - 1).score() - n.get("none_low").get("score").asDouble();
        assertThat(n.get("gap").asDouble()).isEqualTo(gap);
        assertThat(n.get("tolerance_fraction_of_gap").asDouble()).isEqualTo(0.1);
        assertThat(n.get("tolerance").asDouble()).isEqualTo(StaticSearch.tolerance(gap, 0.1));
        assertThat(n.get("chosen_switch_point").asInt()).as(f.toString())
                .isEqualTo(StaticSearch.choose(rows, n.get("tolerance").asDouble()));
    }

    @ParameterizedTest(name = "pair {0}")
    @ValueSource(strings = {"4>3", "3>2"})
    void theClassifierReproducesItsHeldOutAccuracyReportedBesideTheMajorityClassRate(String pairText)
            throws Exception {
        PrecisionPair pair = PrecisionPair.parse(pairText);
        LearnedStore.Saved saved = LearnedStore.load(LearnedStore.DEFAULT_DIR, BACKBONE, pair);
        List<LabelledFeatures> validation = LearnedStore.loadValidation(LearnedStore.DEFAULT_DIR, BACKBONE, pair);
        JsonNode card = saved.card();
        Path f = LearnedStore.card(LearnedStore.DEFAULT_DIR, BACKBONE, pair);
        fromCommittedInputs(card, f);
        sameFile(card.get("calibration_text"), f);
        card.get("calibration_splits").forEach(s -> sameFile(s, f));
        assertThat(card.get("command").asText()).startsWith("pmpd pmpd train-learned");
        assertThat(card.get("validation_examples").asInt()).isEqualTo(validation.size());
        assertThat(ClassifierTrainer.accuracy(saved.classifier(), validation)).isEqualTo(saved.validationAccuracy());
        assertThat(ClassifierTrainer.balancedAccuracy(saved.classifier(), validation))
                .isEqualTo(card.get("validation_balanced_accuracy").asDouble());
        int majority = card.get("validation_majority_class").asInt();
        double rate = (double) validation.stream().filter(e -> e.label() == majority).count() / validation.size();
        assertThat(card.get("validation_majority_rate").asDouble()).isEqualTo(rate);
        assertThat(card.get("beats_majority_class").asBoolean()).isEqualTo(saved.validationAccuracy() > rate);
        int[] train = saved.labelCounts();
        for (int k = 0; k < train.length; k++) {
            assertThat(train[k]).as("class %d is no larger than the majority class", k)
                    .isLessThanOrEqualTo(train[majority]);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cells")
    void eachMatchedBaselineSpendsTheStaticSchedulersCalibrationBitsWithinFiveHundredths(Task task,
            PrecisionPair pair) throws Exception {
        Path f = BaselineStore.file(BaselineStore.DEFAULT_DIR, BACKBONE, task, pair);
        JsonNode n = committed(f, "static_search");
        sameFile(n.get("label_prior_from"), f);
        JsonNode search = Json.read(StaticStore.file(StaticStore.DEFAULT_DIR, BACKBONE, task, pair));
        int chosen = search.get("chosen_switch_point").asInt();
        assertThat(n.get("static_switch_point").asInt()).isEqualTo(chosen);
        double target = n.get("target_bits").asDouble();
        List<Double> chosenBits = new ArrayList<>();
        search.get("table").forEach(row -> {
            if (row.get("switch_point").asInt() == chosen) {
                chosenBits.add(row.get("average_bits").asDouble());
            }
        });
        assertThat(chosenBits).as("the static search's row of its chosen switch point").containsExactly(target);
        for (String name : BaselineStore.NAMES) {
            assertThat(n.get(name).get("calibration_bits").asDouble()).as(f + ": " + name)
                    .isCloseTo(target, within(BaselineCalibration.TOLERANCE));
            assertThat(BaselineStore.load(BaselineStore.DEFAULT_DIR, BACKBONE, task, pair, pair, name).name())
                    .isEqualTo(name);
        }
        for (String name : List.of("random-uniform-matched", "random-label-prior-matched")) {
            assertThat(n.get(name).get("expected_bits").asDouble()).isCloseTo(target, within(1e-6));
        }
    }
}
