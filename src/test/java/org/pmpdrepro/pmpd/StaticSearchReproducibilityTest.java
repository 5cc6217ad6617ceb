package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;

/** The static search on the fixture model (RTN back-bone, a few calibration examples) reruns to the same result. */
class StaticSearchReproducibilityTest {

    static QuantizedSession session;
    static List<TaskExample> calibration;

    @BeforeAll
    static void open() throws Exception {
        session = QuantizedSession.open(ModelBundle.DEFAULT_DIR, DeviceChoice.parse("cpu"), Backbone.rtn(), 4,
                TaskScorer.Config.defaults().withBertScore(false));
        calibration = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBCHAT, Split.CALIBRATION).subList(0, 4);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void aRerunWithAnotherBatchSizeChoosesTheSameSwitchPointFromTheSameTable(@TempDir Path dir) throws Exception {
        StaticSearch.Config config = new StaticSearch.Config(4, 0.01, 0);
        PrecisionPair pair = PrecisionPair.parse("4>2");
        StaticSearch.Outcome first = StaticSearch.search(session.runner(), calibration, pair, config);
        PmpdRunner single = new PmpdRunner(TaskRun.of(session.bundle(), 1), session.quantized(), "rtn",
                new TaskScorer(TaskScorer.Config.defaults().withBertScore(false)));
        StaticSearch.Outcome again = StaticSearch.search(single, calibration, pair, config);
        assertThat(StaticStore.json(again)).isEqualTo(StaticStore.json(first));
        assertThat(first.table()).extracting(StaticSearch.Row::switchPoint).containsExactly(0, 16, 32, 48);
        // Never switching, scored against the full-precision output, is the best any row can be compared with.
        StaticSearch.Row never = first.table().get(3);
        assertThat(never.averageBits()).isEqualTo(4.0);
        assertThat(first.table().get(0).averageBits()).isEqualTo(2.0);

        StaticStore.save(dir, first, java.util.Map.of("command", "test"));
        assertThat(StaticStore.chosen(dir, Task.DEBCHAT, pair)).isEqualTo(first.chosen());
    }

    @Test
    void theSearchRefusesTestSplitExamples() {
        List<TaskExample> test = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, Task.DEBSUM, Split.TEST).subList(0, 2);
        assertThatThrownBy(() -> StaticSearch.search(session.runner(), test, PrecisionPair.parse("4>3"),
                StaticSearch.Config.defaults())).hasMessageContaining("test split");
    }
}
