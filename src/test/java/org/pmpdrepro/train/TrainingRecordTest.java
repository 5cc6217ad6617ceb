package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;

/** Every stage of the fixture model's committed history binds strictly to a training or a growth record. */
@Tag("unit")
class TrainingRecordTest {

    static final Path MODEL = Path.of("fixtures", "model");

    @Test
    void everyStageOfTheCommittedHistoryBindsToItsRecord() throws Exception {
        TrainingRecord.History top = TrainingRecord.read(MODEL);
        assertThat(top).isInstanceOf(TrainingRecord.Trained.class);
        assertThat(((TrainingRecord.Trained) top).command()).startsWith("pmpd train ");
        int trained = 0;
        int grown = 0;
        for (TrainingRecord.History stage = top; stage != null; ) {
            switch (stage) {
                case TrainingRecord.Grown g -> {
                    assertThat(g.growth().parameters()).isGreaterThan(g.growth().fromParameters());
                    grown++;
                }
                case TrainingRecord.Trained t -> {
                    assertThat(t.steps()).isPositive();
                    trained++;
                }
            }
            TrainingRecord.Stage from = stage.initialisedFrom();
            stage = from == null ? null : from.training();
        }
        assertThat(trained).as("pre-training stages").isGreaterThanOrEqualTo(2);
        assertThat(grown).as("growth stages").isGreaterThanOrEqualTo(1);
    }

    /**
     * The records hold everything the file says: written back, the whole history is the committed file, value for
     * value (a number may change its spelling: the committed stages were written as {@code 0.0008}, Java writes
     * {@code 8.0E-4}).
     */
    @Test
    void theCommittedHistoryIsWrittenBackValueForValue() throws Exception {
        String text = Utf8.read(MODEL.resolve(TrainingRecord.FILE));
        String written = JsonBinding.write(TrainingRecord.read(MODEL));
        assertThat(Json.mapper().readTree(written)).isEqualTo(Json.mapper().readTree(text));
        assertThat(written.lines().count()).isEqualTo(text.lines().count());
    }

    @Test
    void aStageOfNeitherFormIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(TrainingRecord.FILE), "{\"command\": \"pmpd train\", \"steps\": 3}");
        assertThatThrownBy(() -> TrainingRecord.read(dir)).hasMessageContaining(TrainingRecord.FILE);
    }
}
