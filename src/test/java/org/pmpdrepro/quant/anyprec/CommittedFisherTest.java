package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.store.CalibrationSet;

/** The committed Fisher sensitivities still belong to the committed fixture model and calibration text. */
@Tag("unit")
class CommittedFisherTest {

    static final Path FILE = Path.of("fixtures", "quant", "anyprec", "fisher.safetensors");
    static final String REGENERATE = "regenerate with the command in fixtures/quant/anyprec/README.md";

    @Test
    void committedSensitivitiesWereComputedFromTheFixtureModelOverItsCalibrationText() throws IOException {
        try (ModelBundle bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU)) {
            FisherSensitivities f = FisherSensitivities.load(FILE, bundle.config());
            assertThat(f.provenance().modelSha256()).as("model identity; " + REGENERATE)
                    .isEqualTo(bundle.identity().sha256());
            CalibrationSet calibration = CalibrationSet.load(Path.of("fixtures", "tasks", "calibration-text.jsonl"),
                    bundle.tokenizer(), f.provenance().sequences(), bundle.config().maxPositionEmbeddings());
            assertThat(f.provenance().calibrationSha256()).as("calibration tokens; " + REGENERATE)
                    .isEqualTo(calibration.sha256());
            for (LinearId id : LinearId.all(bundle.config())) {
                double total = 0;
                for (float v : f.of(id).data()) {
                    total += v;
                }
                assertThat(total).as(id + " has some sensitivity").isPositive();
            }
        }
    }
}
