package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.ExampleKind;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;

/** Decoding task examples with a random model of the fixture tokenizer's vocabulary. */
@Tag("unit")
class TaskRunTest {

    @TempDir
    static Path dir;

    static ModelBundle bundle;
    static List<TaskExample> examples;
    /** The examples decoded in one batch of eight, shared by the tests that only inspect a run. */
    static TaskOutputs batchOfEight;

    @BeforeAll
    static void open() throws IOException {
        bundle = ModelBundle.open(RandomModelDirectory.write(dir.resolve("model"), 3L), DeviceChoice.CPU);
        examples = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.TEST).subList(0, 8);
        batchOfEight = TaskRun.of(bundle, 8).run(examples);
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void twoRunsOfTheSameExamplesGiveIdenticalOutputs() {
        TaskOutputs again = TaskRun.of(bundle, 8).run(examples);
        assertThat(again.samples()).isEqualTo(batchOfEight.samples());
    }

    @Test
    void batchSizeOneAndEightGiveTheSameOutputs() {
        TaskOutputs one = TaskRun.of(bundle, 1).run(examples);
        assertThat(batchOfEight.samples()).isEqualTo(one.samples());
        assertThat(batchOfEight.batchSize()).isEqualTo(8);
        assertThat(one.batchSize()).isEqualTo(1);
    }

    @Test
    void outputsAlignWithExampleIdsAndReferences() {
        List<TaskExample> reversed = new ArrayList<>(examples).reversed();
        TaskOutputs out = TaskRun.of(bundle, 3).run(reversed);
        assertThat(out.ids()).containsExactlyElementsOf(reversed.stream().map(TaskExample::id).toList());
        assertThat(out.references()).containsExactlyElementsOf(reversed.stream().map(TaskExample::reference).toList());
        assertThat(out.samples()).extracting(SampleOutput::prompt)
                .containsExactlyElementsOf(reversed.stream().map(TaskExample::prompt).toList());
        assertThat(out.samples()).containsExactlyElementsOf(batchOfEight.samples().reversed());
    }

    @Test
    void everyOutputIsThePostProcessedFirstLineOfItsDecodedTokens() {
        for (SampleOutput s : batchOfEight.samples()) {
            int[] ids = s.tokens().stream().mapToInt(Integer::intValue).toArray();
            assertThat(s.rawOutput()).isEqualTo(bundle.tokenizer().decode(ids));
            assertThat(s.output()).isEqualTo(TaskRun.postProcess(s.rawOutput())).doesNotContain("\n");
            assertThat(s.tokens()).hasSizeLessThanOrEqualTo(Task.DEBSUM.maxNewTokens());
            assertThat(s.trace()).hasSize(s.tokens().size() + (s.stoppedAtEos() ? 1 : 0)).containsOnly("full");
        }
    }

    @Test
    void fullPrecisionRunCountsSixteenBitsAndItsTokens() {
        TaskOutputs out = batchOfEight;
        long tokens = out.samples().stream().mapToLong(s -> s.trace().size()).sum();
        assertThat(out.generatedTokens()).isEqualTo(tokens);
        assertThat(out.averageBits()).isEqualTo(16.0);
        assertThat(out.device()).isEqualTo("cpu()");
        assertThat(out.plan()).isEqualTo("fixed full");
        assertThat(out.tokensPerSecond()).isPositive();
    }

    @Test
    void postProcessingStripsWhiteSpaceAndCutsAtTheFirstNewline() {
        assertThat(TaskRun.postProcess("  free AdLib sound library \nPackage: next\nSynopsis: x"))
                .isEqualTo("free AdLib sound library");
        assertThat(TaskRun.postProcess("\n\n  leading blank lines\r\nsecond")).isEqualTo("leading blank lines");
        assertThat(TaskRun.postProcess("single line")).isEqualTo("single line");
        assertThat(TaskRun.postProcess(" \n ")).isEmpty();
    }

    @Test
    void examplesOfTwoTasksAreRefused() {
        List<TaskExample> mixed = new ArrayList<>(examples.subList(0, 2));
        mixed.add(TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBTRANS, Split.TEST).get(0));
        assertThatThrownBy(() -> TaskRun.of(bundle).run(mixed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("debtrans").hasMessageContaining("debsum");
        assertThatThrownBy(() -> TaskRun.of(bundle).run(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPromptThatDoesNotFitTheModelIsRefusedByExampleId() {
        String longText = "word ".repeat(600);
        TaskExample tooLong = new TaskExample("debsum/long/00000000", Task.DEBSUM, ExampleKind.DESCRIPTION,
                Split.TEST, "long", "00000000", longText, "Package: long\nDescription: " + longText + "\nSynopsis:",
                "a long one");
        assertThatThrownBy(() -> TaskRun.of(bundle).run(List.of(examples.get(0), tooLong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("debsum/long/00000000").hasMessageContaining("512 positions");
    }
}
