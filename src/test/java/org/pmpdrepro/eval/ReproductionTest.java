package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;

/** The whole pipeline on a random model and a few examples per task. */
@Tag("unit")
class ReproductionTest {

    @TempDir
    Path dir;

    @Test
    void everyTaskIsDecodedScoredAgainstItsDatasetReferencesAndComparedWithBaselines() throws IOException {
        Reproduction.Settings settings = Reproduction.Settings.defaults().withLimit(8).withBatchSize(3)
                .withScorer(TaskScorer.Config.defaults().withBertScore(false));
        try (ModelBundle bundle = ModelBundle.open(RandomModelDirectory.write(dir.resolve("model"), 9L),
                DeviceChoice.CPU)) {
            List<TaskResult> results = Reproduction.run(bundle, settings);
            assertThat(results).extracting(TaskResult::task).containsExactly(Task.values());
            for (TaskResult r : results) {
                assertThat(r.outputs().size()).isEqualTo(8);
                assertThat(r.scores().values().keySet()).containsAll(List.of("rougeL", "bleu", "sacrebleu"));
                // Echo and random-other; the first 8 test examples (by id) include texts that differ, so random-other
                // can derange them (the first 4 of debchat are three editions of one manual with one description).
                assertThat(r.baselines()).hasSize(2);
                assertThat(r.outputs().samples()).allSatisfy(s -> assertThat(s.tokens()).isNotEmpty());
            }
            assertThat(results.get(2).scores().scoredAgainst()).isEqualTo(References.HUMAN_CONTINUATION);
            assertThat(results.get(0).scores().scoredAgainst()).isEqualTo(References.DATASET);
            List<Path> written = ResultsWriter.write(dir.resolve("out"), Provenance.of(bundle, settings.fixturesDir()),
                    results);
            assertThat(written).contains(dir.resolve("out").resolve("debchat").resolve(ResultsWriter.SCORES));
        }
    }
}
