package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;

/**
 * Every committed fitted file binds strictly to its form (so the writers and the forms agree field for field), and a
 * file with a field the form does not have, or without one it has, is refused naming the field.
 */
@Tag("unit")
class FittedFileFormsTest {

    static Stream<Arguments> committed() throws IOException {
        return Stream.of(
                        files(StaticStore.DEFAULT_DIR, StaticStore.File.class),
                        files(BaselineStore.DEFAULT_DIR, BaselineStore.File.class),
                        files(LearnedStore.DEFAULT_DIR, LearnedStore.Card.class))
                .flatMap(s -> s);
    }

    private static Stream<Arguments> files(Path root, Class<?> form) throws IOException {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(root)) {
            found = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(found).as(root + " holds fitted files").isNotEmpty();
        return found.stream().map(p -> Arguments.of(p, form));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committed")
    void aCommittedFileBindsToItsForm(Path file, Class<? extends FittedFiles.Fitted> form) throws Exception {
        String text = Utf8.read(file);
        FittedFiles.Fitted bound = JsonBinding.parse(text, form);
        assertThat(file.getParent().getFileName().toString()).isEqualTo(bound.backbone());
        // The writer writes these records: what it makes of the bound file is the file, byte for byte.
        assertThat(FittedFiles.text(bound)).isEqualTo(text);
    }

    @Test
    void anUnknownOrMissingFieldIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        PrecisionPair pair = PrecisionPair.parse("4>3");
        Path committed = StaticStore.file(StaticStore.DEFAULT_DIR, "any-precision", Task.DEBSUM, pair);
        Path copy = StaticStore.file(dir, "any-precision", Task.DEBSUM, pair);
        Files.createDirectories(copy.getParent());
        String text = Files.readString(committed);

        Files.writeString(copy, text.replace("\"gap\" :", "\"gapp\" : 1,\n  \"gap\" :"));
        assertThatThrownBy(() -> StaticStore.chosen(dir, "any-precision", Task.DEBSUM, pair))
                .hasMessageStartingWith(copy + ": gapp: unknown field; expected one of [");

        Files.writeString(copy, text.replaceFirst("\"chosen_switch_point\" : \\d+,\n", ""));
        assertThatThrownBy(() -> StaticStore.chosen(dir, "any-precision", Task.DEBSUM, pair))
                .hasMessage(copy + ": chosen_switch_point: missing; expected an integer");

        Files.writeString(copy, text.replaceFirst("\"score\" : [0-9.E-]+", "\"score\" : \"high\""));
        assertThatThrownBy(() -> StaticStore.chosen(dir, "any-precision", Task.DEBSUM, pair))
                .hasMessage(copy + ": none_low.score: \"high\": expected a number");
    }

    @Test
    void aFitWithANullProvenanceFieldIsNotWritten(@TempDir Path dir) {
        StaticSearch.Outcome outcome = PerBackboneLookupTest.outcome("any-precision");
        Path file = StaticStore.file(dir, "any-precision", Task.DEBSUM, outcome.pair());
        FittedFiles.Provenance lacking = new FittedFiles.Provenance("test", null, "2".repeat(64), "3".repeat(64));
        assertThatThrownBy(() -> StaticStore.save(dir, outcome, lacking, TestProvenance.input("calibration.jsonl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("model_sha256: null");
        assertThat(file).doesNotExist();
    }

    @Test
    void aClassifierWithoutHeldOutExamplesIsSavedWithNullRatesAndLoads(@TempDir Path dir) throws Exception {
        java.util.Random rnd = new java.util.Random(3);
        List<LabelledFeatures> data = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            data.add(new LabelledFeatures("x" + i, ClassifierTest.randomFeatures(rnd, 3, 4), i % 4));
        }
        ClassifierTrainer.Config config = new ClassifierTrainer.Config(1, 1, 1, 8, 1e-3, 0, 0.1, 1L);
        ClassifierTrainer.Result result = ClassifierTrainer.train(data, 4, config);
        assertThat(result.validation()).as("two examples per class hold none out at 10%").isEmpty();
        PrecisionPair pair = PrecisionPair.parse("4>3");
        LearnedStore.save(dir, "any-precision", pair, result, config, TestProvenance.learned());
        LearnedStore.Saved saved = LearnedStore.load(dir, "any-precision", pair);
        assertThat(saved.validationAccuracy()).isNaN();
        assertThat(saved.card().validationMajorityRate()).isNull();
        assertThat(Files.readString(LearnedStore.card(dir, "any-precision", pair)))
                .contains("\"validation_accuracy\" : null");
    }
}
