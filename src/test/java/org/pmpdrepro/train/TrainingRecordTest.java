package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;

/** Every stage of the fixture model's committed history binds strictly to a training or a growth record. */
@Tag("unit")
class TrainingRecordTest {

    @Test
    void everyStageOfTheCommittedHistoryBindsToItsRecord() throws Exception {
        String text = Utf8.read(Path.of("fixtures", "model", TrainingRecord.FILE));
        TrainingRecord.Trained top = JsonBinding.parse(text, TrainingRecord.Trained.class);
        assertThat(top.command()).startsWith("pmpd train ");
        int trained = 1;
        int grown = 0;
        JsonNode stage = top.initialisedFrom().training();
        while (stage != null) {
            TrainingRecord.Stage from;
            if (stage.has("growth")) {
                TrainingRecord.Grown g = JsonBinding.parse(stage.toString(), TrainingRecord.Grown.class);
                assertThat(g.growth().parameters()).isGreaterThan(g.growth().fromParameters());
                from = g.initialisedFrom();
                grown++;
            } else {
                TrainingRecord.Trained t = JsonBinding.parse(stage.toString(), TrainingRecord.Trained.class);
                assertThat(t.steps()).isPositive();
                from = t.initialisedFrom();
                trained++;
            }
            stage = from == null ? null : from.training();
        }
        assertThat(trained).as("pre-training stages").isGreaterThanOrEqualTo(2);
        assertThat(grown).as("growth stages").isGreaterThanOrEqualTo(1);
    }
}
