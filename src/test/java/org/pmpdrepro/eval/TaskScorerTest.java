package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.metrics.MetricResult;

/** Scoring outputs with all four metrics, the task's own first. */
@Tag("unit")
class TaskScorerTest {

    static final List<String> REFS = List.of("free AdLib sound library (utils)",
            "reference documentation for the Ada language (2005 standard)",
            "This package installs the 2012 version.");
    static final TaskScorer FAST = new TaskScorer(TaskScorer.Config.defaults().withBertScore(false));

    @Test
    void outputsEqualToReferencesScorePerfectlyOnEveryNgramMetric() {
        TaskScores s = FAST.score(Task.DEBSUM, REFS, new References(References.DATASET, REFS));
        assertThat(s.value("rougeL")).isCloseTo(1.0, within(1e-12));
        assertThat(s.value("bleu")).isCloseTo(1.0, within(1e-12));
        assertThat(s.value("sacrebleu")).isCloseTo(100.0, within(1e-9));
        assertThat(s.scoredAgainst()).isEqualTo(References.DATASET);
    }

    @Test
    void theTasksOwnMetricsComeFirst() {
        assertThat(FAST.score(Task.DEBTRANS, REFS, new References("r", REFS)).values().keySet())
                .containsExactly("bleu", "sacrebleu", "rougeL");
        assertThat(FAST.score(Task.DEBSUM, REFS, new References("r", REFS)).values().keySet())
                .containsExactly("rougeL", "bleu", "sacrebleu");
        assertThat(TaskScorer.defaults().metricNames(Task.DEBCHAT))
                .containsExactly("rougeL", "bertscore", "bleu", "sacrebleu");
        assertThat(TaskScorer.defaults().metricNames(Task.DEBTRANS))
                .containsExactly("bleu", "sacrebleu", "rougeL", "bertscore");
    }

    @Test
    void resultsKeepTheirPerSampleScoresAndSignatures() {
        List<String> hyps = List.of("free sound library", "nothing alike", "This package installs the 2012 version.");
        TaskScores s = FAST.score(Task.DEBSUM, hyps, new References(References.DATASET, REFS));
        for (MetricResult r : s.results()) {
            assertThat(r.sampleScores()).as(r.metric()).hasSize(3);
            assertThat(r.signature()).as(r.metric()).isNotBlank();
        }
        assertThat(s.result("rougeL").orElseThrow().signature()).contains("stem:yes");
        assertThat(s.result("sacrebleu").orElseThrow().signature()).contains("tok:13a").contains("smooth:exp");
        assertThat(s.result("rougeL").orElseThrow().sampleScores().get(2)).isCloseTo(1.0, within(1e-12));
        assertThat(s.value("rougeL")).isBetween(0.0, 1.0);
    }

    @Test
    void aMetricThatWasSwitchedOffIsNotInventedWhenAskedFor() {
        TaskScores s = FAST.score(Task.DEBSUM, REFS, new References(References.DATASET, REFS));
        assertThat(s.result("bertscore")).isEmpty();
        assertThatThrownBy(() -> s.value("bertscore")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bertscore").hasMessageContaining("rougeL");
    }

    @Test
    void aFullPrecisionRunScoredAgainstItsOwnOutputIsPerfectByDefinition() {
        List<SampleOutput> samples = List.of(
                new SampleOutput("debchat/a/00000000", "p", "human text one", "model text one", "model text one",
                        List.of(5), List.of("fp16"), true),
                new SampleOutput("debchat/b/00000000", "p", "human text two", "model text two", "model text two",
                        List.of(6), List.of("fp16"), true));
        TaskOutputs fp = new TaskOutputs(Task.DEBCHAT, samples, "fixed fp16", 1, "cpu()", 2, 1.0, 2.0, Double.NaN);
        TaskScores own = FAST.score(fp, References.fullPrecision(fp));
        assertThat(own.scoredAgainst()).isEqualTo(References.FULL_PRECISION);
        assertThat(own.value("rougeL")).isCloseTo(1.0, within(1e-12));
        TaskScores human = FAST.score(fp, References.dataset(fp));
        assertThat(human.scoredAgainst()).isEqualTo(References.HUMAN_CONTINUATION);
        assertThat(human.value("rougeL")).isLessThan(1.0);
    }

    @Test
    void outputsAndReferencesOfDifferentCountsAreRefused() {
        assertThatThrownBy(() -> FAST.score(Task.DEBSUM, REFS.subList(0, 2), new References("human", REFS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 outputs but 3 references");
    }

    @Test
    void bertScoreWithMiniLmIsOneForIdenticalTextsAndNamesItsEncoder() {
        List<String> hyps = List.of(REFS.get(0), REFS.get(1), "an unrelated sentence about cooking pasta");
        TaskScores s = TaskScorer.defaults().score(Task.DEBSUM, hyps, new References(References.DATASET, REFS));
        assertThat(s.values().keySet()).containsExactly("rougeL", "bertscore", "bleu", "sacrebleu");
        MetricResult bert = s.result("bertscore").orElseThrow();
        assertThat(bert.signature()).contains("all-MiniLM-L6-v2");
        assertThat(bert.sampleScores().get(0)).isCloseTo(1.0, within(1e-5));
        assertThat(bert.sampleScores().get(1)).isCloseTo(1.0, within(1e-5));
        assertThat(bert.sampleScores().get(2)).isLessThan(0.9);
    }
}
