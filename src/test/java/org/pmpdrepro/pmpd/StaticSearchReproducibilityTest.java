package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
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
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;

/**
 * The static search decides by each task's headline metric within a tolerance relative to the calibration high–low
 * gap; on the fixture model (RTN back-bone, a few calibration examples) it reruns to the same result.
 */
@Tag("unit")
class StaticSearchReproducibilityTest {

    static QuantizedSession session;
    static List<TaskExample> calibration;

    @BeforeAll
    static void open() throws Exception {
        session = QuantizedSession.open(ModelBundle.DEFAULT_DIR, DeviceChoice.parse("cpu"), TinyBackbone.rtnOfAnyModel(),
                TaskFixtures.DEFAULT_DIR, 4,
                TaskScorer.Config.defaults().withBertScore(false));
        calibration = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBCHAT, Split.CALIBRATION).subList(0, 4);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void aRerunWithAnotherBatchSizeChoosesTheSameSwitchPointFromTheSameTable(@TempDir Path dir) throws Exception {
        StaticSearch.Config config = new StaticSearch.Config(4, 0.1, 0);
        PrecisionPair pair = PrecisionPair.parse("4>2");
        StaticSearch.Outcome first = StaticSearch.search(session.runner(), calibration, pair, config).outcome();
        PmpdRunner single = new PmpdRunner(TaskRun.of(session.bundle(), 1), session.quantized(), "rtn",
                new TaskScorer(TaskScorer.Config.defaults().withBertScore(false)));
        StaticSearch.Outcome again = StaticSearch.search(single, calibration, pair, config).outcome();
        assertThat(StaticStore.form(again, TestProvenance.common(), null))
                .isEqualTo(StaticStore.form(first, TestProvenance.common(), null));
        assertThat(first.table()).extracting(StaticSearch.Row::switchPoint).containsExactly(0, 16, 32, 48);
        // Never switching, scored against the full-precision output, is the best any row can be compared with.
        StaticSearch.Row never = first.table().get(3);
        assertThat(never.averageBits()).isEqualTo(4.0);
        assertThat(first.table().get(0).averageBits()).isEqualTo(2.0);

        TestProvenance.saveStatic(dir, first);
        assertThat(StaticStore.chosen(dir, "rtn", Task.DEBCHAT, pair)).isEqualTo(first.chosen());
    }

    static StaticSearch.Row row(int s, double bits, double score) {
        return new StaticSearch.Row(s, bits, score);
    }

    @Test
    void theSearchKeepsTheCheapestSwitchPointWithinATenthOfTheHighLowGapOfNeverSwitching() {
        // SacreBLEU on debtrans 4>3: never switching 14.0, the low precision alone 10.7, so the gap is 3.3 and the
        // tolerance 0.33: s = 42 (13.9) is within it, s = 21 (13.5) is not.
        List<StaticSearch.Row> rows = List.of(row(0, 3.0, 10.9), row(21, 3.87, 13.5), row(42, 3.99, 13.9),
                row(64, 4.0, 14.0));
        double tolerance = StaticSearch.tolerance(14.0 - 10.7, 0.1);
        assertThat(tolerance).isCloseTo(0.33, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(StaticSearch.choose(rows, tolerance)).isEqualTo(42);
        // A quarter of the gap (0.825) would also admit s = 21.
        assertThat(StaticSearch.choose(rows, StaticSearch.tolerance(3.3, 0.25))).isEqualTo(21);
        // The old absolute rule (0.01 on any scale) would admit nothing below never switching here.
        assertThat(StaticSearch.choose(rows, 0.01)).isEqualTo(64);
        // Where the low precision loses nothing there is no allowance: only rows at least as good as never switching.
        assertThat(StaticSearch.tolerance(-0.2, 0.1)).isZero();
        assertThat(StaticSearch.choose(List.of(row(0, 3.0, 0.50), row(8, 3.7, 0.52), row(24, 4.0, 0.51)), 0))
                .isEqualTo(8);
    }

    @Test
    void eachTaskIsSearchedOnItsHeadlineMetric() {
        assertThat(StaticSearch.headlineMetric(Task.DEBTRANS)).isEqualTo("sacrebleu");
        assertThat(StaticSearch.headlineMetric(Task.DEBSUM)).isEqualTo("rougeL");
        assertThat(StaticSearch.headlineMetric(Task.DEBCHAT)).isEqualTo("rougeL");
        List<TaskExample> translation = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBTRANS, Split.CALIBRATION)
                .subList(0, 4);
        PrecisionPair pair = PrecisionPair.parse("4>2");
        StaticSearch.Search search = StaticSearch.search(session.runner(), translation, pair,
                new StaticSearch.Config(4, 0.1, 0));
        StaticSearch.Outcome o = search.outcome();
        assertThat(o.metric()).isEqualTo("sacrebleu");
        for (StaticSearch.Row r : o.table()) {
            assertThat(r.score()).isEqualTo(search.grid().get(r.switchPoint()).scores().value("sacrebleu"));
        }
        assertThat(o.noneLow().averageBits()).isEqualTo(2.0);
        assertThat(o.gap()).isEqualTo(o.table().get(o.table().size() - 1).score() - o.noneLow().score());
        assertThat(o.tolerance()).isEqualTo(StaticSearch.tolerance(o.gap(), 0.1));
        assertThat(o.chosen()).isEqualTo(StaticSearch.choose(o.table(), o.tolerance()));
        StaticStore.File form = StaticStore.form(o, TestProvenance.common(), null);
        assertThat(form.metric()).isEqualTo("sacrebleu");
        assertThat(form.toleranceFractionOfGap()).isEqualTo(0.1);
    }

    @Test
    void theSearchRefusesTestSplitExamples() {
        List<TaskExample> test = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.TEST).subList(0, 2);
        assertThatThrownBy(() -> StaticSearch.search(session.runner(), test, PrecisionPair.parse("4>3"),
                StaticSearch.Config.defaults())).hasMessageContaining("test split");
    }
}
