package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;

/**
 * The committed schedules (fitted by {@code fixtures/pmpd/fit-schedules}) are what their files say, for every
 * back-bone of the grid: static searches decided on each task's headline metric over at least 256 calibration prompts
 * with the stated tolerance, classifier cards consistent with their label counts and fitted on the committed inputs;
 * for Any-Precision (A1's back-bone) also classifiers that reproduce their held-out accuracy from the committed
 * held-out features (the only back-bone whose features are committed: about 1.8 MB per pair) and baselines within
 * 0.05 bits of the static scheduler's calibration bits.
 */
@Tag("unit")
class CommittedSchedulesTest {

    /**
     * The command a committed fit records: {@code pmpd schedule <fit> ...}, or {@code pmpd pmpd <fit> ...} for the
     * files fitted before the sub-command was renamed (the old name stays an alias, so the recorded line still runs).
     */
    static final java.util.function.Function<String, String> FITTED_BY = fit -> "pmpd (schedule|pmpd) " + fit + "( .*)?";

    /** A1's back-bone: the only one with committed held-out features and bits-matched baselines. */
    static final String A1_BACKBONE = "any-precision";
    /** Every back-bone the grid decodes with its own schedules (A2's). */
    static final List<String> BACKBONES = List.of("any-precision", "gptq", "haq", "bit-mixer");
    static String modelSha;

    @BeforeAll
    static void identity() throws Exception {
        try (ModelBundle bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU)) {
            modelSha = bundle.identity().sha256();
        }
    }

    static String refit(String backbone) {
        return "refit with fixtures/pmpd/fit-schedules " + backbone;
    }

    static List<Arguments> cells(List<String> backbones) {
        List<Arguments> out = new ArrayList<>();
        for (String b : backbones) {
            for (Task t : Task.values()) {
                for (String p : List.of("4>3", "3>2")) {
                    out.add(Arguments.of(b, t, PrecisionPair.parse(p)));
                }
            }
        }
        return out;
    }

    static List<Arguments> everyBackbone() {
        return cells(BACKBONES);
    }

    static List<Arguments> a1Backbone() {
        return cells(List.of(A1_BACKBONE));
    }

    static List<Arguments> backbonePairs() {
        List<Arguments> out = new ArrayList<>();
        for (String b : BACKBONES) {
            for (String p : List.of("4>3", "3>2")) {
                out.add(Arguments.of(b, PrecisionPair.parse(p)));
            }
        }
        return out;
    }

    /** The file, after checking that it was fitted on the committed model and that {@code input} is unchanged. */
    static JsonNode committed(Path file, String backbone, String input) throws Exception {
        JsonNode n = Json.read(file);
        fromCommittedInputs(n, file, backbone);
        sameFile(n.get(input), file, backbone);
        return n;
    }

    static void fromCommittedInputs(JsonNode n, Path file, String backbone) {
        assertThat(n.get("backbone").asText()).as(file.toString()).isEqualTo(backbone);
        assertThat(n.get("model_sha256").asText()).as(file + ": model; " + refit(backbone)).isEqualTo(modelSha);
        assertThat(n.get("backbone_sha256").asText()).as(file.toString()).hasSize(64);
    }

    static void sameFile(JsonNode input, Path file, String backbone) {
        Path f = Path.of(input.get("file").asText());
        assertThat(input.get("sha256").asText()).as(file + ": input " + f + "; " + refit(backbone))
                .isEqualTo(Hashes.sha256Hex(f));
    }

    /** The policies a back-bone serves a pair as ({@code haq-4>haq-3}), or null where it serves uniform widths. */
    static String servedAs(String backbone, PrecisionPair pair) {
        return backbone.equals("haq") || backbone.equals("bit-mixer") ? backbone + "-" + pair.high().uniformBits()
                + ">" + backbone + "-" + pair.low().uniformBits() : null;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyBackbone")
    void eachStaticSearchDecidedByItsTasksHeadlineMetricWithinATenthOfTheGapOnAtLeast256Prompts(String backbone,
            Task task, PrecisionPair pair) throws Exception {
        Path f = StaticStore.file(StaticStore.DEFAULT_DIR, backbone, task, pair);
        JsonNode n = committed(f, backbone, "calibration_split");
        assertThat(n.get("command").asText()).matches(FITTED_BY.apply("static-search"));
        assertThat(n.get("metric").asText()).as(f.toString()).isEqualTo(StaticSearch.headlineMetric(task));
        // HAQ and Bit-Mixer decode a pair as their policies at Any-Precision's bytes, as the suite does; the others
        // their uniform widths.
        String servedAs = servedAs(backbone, pair);
        if (servedAs != null) {
            assertThat(n.get("served_as").asText()).as(f.toString()).isEqualTo(servedAs);
        } else {
            assertThat(n.has("served_as")).as(f.toString()).isFalse();
        }
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backbonePairs")
    void eachClassifierCardIsFittedOnTheCommittedInputsAndReportsItsHeldOutAccuracyBesideTheMajorityClassRate(
            String backbone, PrecisionPair pair) throws Exception {
        LearnedStore.Saved saved = LearnedStore.load(LearnedStore.DEFAULT_DIR, backbone, pair);
        Path f = LearnedStore.card(LearnedStore.DEFAULT_DIR, backbone, pair);
        JsonNode card = Json.read(f);
        fromCommittedInputs(card, f, backbone);
        sameFile(card.get("calibration_text"), f, backbone);
        card.get("calibration_splits").forEach(s -> sameFile(s, f, backbone));
        assertThat(card.get("command").asText()).matches(FITTED_BY.apply("train-learned"));
        JsonNode servedAs = card.get("data").get("served_as");
        assertThat(servedAs == null ? null : servedAs.asText()).as(f + ": the precisions the branches decoded with")
                .isEqualTo(servedAs(backbone, pair));
        int[] validationCounts = new int[SwitchPoints.CLASSES];
        for (int k = 0; k < validationCounts.length; k++) {
            validationCounts[k] = card.get("label_counts_validation").get(k).asInt();
        }
        int held = card.get("validation_examples").asInt();
        assertThat(java.util.Arrays.stream(validationCounts).sum()).as(f.toString()).isEqualTo(held);
        int majority = card.get("validation_majority_class").asInt();
        assertThat(card.get("validation_majority_rate").asDouble()).as(f.toString())
                .isEqualTo((double) validationCounts[majority] / held);
        assertThat(validationCounts[majority]).as(f + ": the majority class is the largest held-out class")
                .isEqualTo(java.util.Arrays.stream(validationCounts).max().orElseThrow());
        assertThat(card.get("beats_majority_class").asBoolean()).as(f.toString())
                .isEqualTo(saved.validationAccuracy() > card.get("validation_majority_rate").asDouble());
        int[] train = saved.labelCounts();
        for (int k = 0; k < train.length; k++) {
            assertThat(train[k]).as("%s: class %d is no larger than the majority class", f, k)
                    .isLessThanOrEqualTo(train[majority]);
        }
        Path features = LearnedStore.validation(LearnedStore.DEFAULT_DIR, backbone, pair);
        if (backbone.equals(A1_BACKBONE)) {
            assertThat(card.has("validation_features")).as(f.toString()).isFalse();
            assertThat(features).as("A1's held-out features are committed").isRegularFile();
        } else {
            assertThat(card.get("validation_features").asText()).as(f.toString()).isEqualTo(LearnedStore.NOT_WRITTEN);
            assertThat(features).as("only A1's back-bone commits held-out features").doesNotExist();
        }
    }

    @ParameterizedTest(name = "pair {0}")
    @ValueSource(strings = {"4>3", "3>2"})
    void a1sClassifierReproducesItsHeldOutAccuracyFromTheCommittedHeldOutFeatures(String pairText)
            throws Exception {
        PrecisionPair pair = PrecisionPair.parse(pairText);
        LearnedStore.Saved saved = LearnedStore.load(LearnedStore.DEFAULT_DIR, A1_BACKBONE, pair);
        List<LabelledFeatures> validation = LearnedStore.loadValidation(LearnedStore.DEFAULT_DIR, A1_BACKBONE, pair);
        LearnedStore.Card card = saved.card();
        assertThat(card.validationExamples()).isEqualTo(validation.size());
        assertThat(ClassifierTrainer.accuracy(saved.classifier(), validation)).isEqualTo(saved.validationAccuracy());
        assertThat(ClassifierTrainer.balancedAccuracy(saved.classifier(), validation))
                .isEqualTo(card.validationBalancedAccuracy());
        int[] counts = LearnedData.counts(validation);
        for (int k = 0; k < counts.length; k++) {
            assertThat(counts[k]).as("held-out class %d", k)
                    .isEqualTo(card.labelCountsValidation().get(k));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("a1Backbone")
    void eachMatchedBaselineSpendsTheStaticSchedulersCalibrationBitsWithinFiveHundredths(String backbone, Task task,
            PrecisionPair pair) throws Exception {
        Path f = BaselineStore.file(BaselineStore.DEFAULT_DIR, backbone, task, pair);
        JsonNode n = committed(f, backbone, "static_search");
        sameFile(n.get("label_prior_from"), f, backbone);
        JsonNode search = Json.read(StaticStore.file(StaticStore.DEFAULT_DIR, backbone, task, pair));
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
            assertThat(BaselineStore.load(BaselineStore.DEFAULT_DIR, backbone, task, pair, pair, name).name())
                    .isEqualTo(name);
        }
        for (String name : List.of("random-uniform-matched", "random-label-prior-matched")) {
            assertThat(n.get(name).get("expected_bits").asDouble()).isCloseTo(target, within(1e-6));
        }
    }
}
