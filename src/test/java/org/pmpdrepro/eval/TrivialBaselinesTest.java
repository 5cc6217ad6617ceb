package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.ExampleKind;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;

/** Model-free baselines on the committed fixtures and on crafted examples. */
@Tag("unit")
class TrivialBaselinesTest {

    static List<TaskExample> load(Task task) {
        return TaskFixtures.load(TaskFixtures.DEFAULT_DIR, task, Split.TEST);
    }

    static TaskExample example(int i, String source, String reference) {
        return new TaskExample("debsum/p" + i + "/0000000" + i, Task.DEBSUM, ExampleKind.DESCRIPTION, Split.TEST,
                "p" + i, "0000000" + i, source, "Package: p" + i + "\nDescription: " + source + "\nSynopsis:",
                reference);
    }

    @Test
    void echoReturnsTheSourceUnchanged() {
        List<TaskExample> ex = load(Task.DEBTRANS);
        BaselineOutputs echo = TrivialBaselines.echo(ex);
        assertThat(echo.outputs()).containsExactlyElementsOf(ex.stream().map(TaskExample::source).toList());
        assertThat(echo.ids()).containsExactlyElementsOf(ex.stream().map(TaskExample::id).toList());
        assertThat(echo.references()).containsExactlyElementsOf(ex.stream().map(TaskExample::reference).toList());
    }

    @Test
    void randomOtherNeverReturnsAnExamplesOwnReferenceOnTheCommittedFixtures() {
        for (Task task : Task.values()) {
            List<TaskExample> ex = load(task);
            BaselineOutputs b = TrivialBaselines.randomOther(ex, 7L);
            for (int i = 0; i < ex.size(); i++) {
                assertThat(b.outputs().get(i)).as(ex.get(i).id()).isNotEqualTo(ex.get(i).reference());
            }
            // A permutation: every reference is handed out exactly once.
            assertThat(b.outputs()).containsExactlyInAnyOrderElementsOf(b.references());
        }
    }

    @Test
    void randomOtherAvoidsEqualTextsOfDifferentExamples() {
        List<TaskExample> ex = new ArrayList<>();
        String[] refs = {"same", "same", "other", "third", "fourth", "same"};
        for (int i = 0; i < refs.length; i++) {
            ex.add(example(i, "Source " + i + ".", refs[i]));
        }
        for (long seed = 0; seed < 50; seed++) {
            BaselineOutputs b = TrivialBaselines.randomOther(ex, seed);
            for (int i = 0; i < refs.length; i++) {
                assertThat(b.outputs().get(i)).as("seed " + seed + ", example " + i).isNotEqualTo(refs[i]);
            }
        }
    }

    @Test
    void randomOtherIsDeterministicInItsSeed() {
        List<TaskExample> ex = load(Task.DEBSUM);
        assertThat(TrivialBaselines.randomOther(ex, 3L)).isEqualTo(TrivialBaselines.randomOther(ex, 3L));
        assertThat(TrivialBaselines.randomOther(ex, 3L).outputs())
                .isNotEqualTo(TrivialBaselines.randomOther(ex, 4L).outputs());
    }

    @Test
    void randomOtherIsRefusedWhenOneTextIsTheReferenceOfMoreThanHalf() {
        List<TaskExample> ex = List.of(example(0, "A.", "same"), example(1, "B.", "same"), example(2, "C.", "same"),
                example(3, "D.", "other"));
        assertThatThrownBy(() -> TrivialBaselines.randomOther(ex, 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most half");
        assertThat(TrivialBaselines.forTask(ex, 1L)).extracting(BaselineOutputs::name).containsExactly("lead");
    }

    @Test
    void leadIsTheSourceUpToItsFirstSentenceEnd() {
        List<TaskExample> ex = List.of(
                example(0, "AdPlug is a sound player library. It plays sound data. More.", "r0"),
                example(1, "No sentence end here", "r1"),
                example(2, "Version 2.0 is here. Then more", "r2"));
        assertThat(TrivialBaselines.lead(ex).outputs())
                .containsExactly("AdPlug is a sound player library.", "No sentence end here", "Version 2.0 is here.");
    }

    @Test
    void eachTaskHasItsBaselines() {
        assertThat(TrivialBaselines.forTask(load(Task.DEBSUM), 1L)).extracting(BaselineOutputs::name)
                .containsExactly("lead", "random-other");
        assertThat(TrivialBaselines.forTask(load(Task.DEBTRANS), 1L)).extracting(BaselineOutputs::name)
                .containsExactly("echo", "random-other");
        assertThat(TrivialBaselines.forTask(load(Task.DEBCHAT), 1L)).extracting(BaselineOutputs::name)
                .containsExactly("echo", "random-other");
    }
}
