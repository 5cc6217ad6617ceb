package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

/** Complete provenance for fitted files written by tests, with the fields the fit commands record. */
final class TestProvenance {

    private TestProvenance() {}

    static FittedFiles.Input input(String file) {
        return new FittedFiles.Input(file, "0".repeat(64));
    }

    /** What every fit records: command, model, back-bone and fixtures. */
    static FittedFiles.Provenance common() {
        return new FittedFiles.Provenance("test", "1".repeat(64), "2".repeat(64), "3".repeat(64));
    }

    /** Saves {@code o} with what {@code schedule static-search} records. */
    static Path saveStatic(Path dir, StaticSearch.Outcome o) throws IOException {
        return StaticStore.save(dir, o, common(), input("calibration.jsonl"));
    }

    /** Saves {@code f} with what {@code schedule static-search --calibrate-baselines} records. */
    static Path saveBaselines(Path dir, BaselineCalibration.Fit f) throws IOException {
        return BaselineStore.save(dir, f, common(), input("calibration.jsonl"), input("static.json"),
                input("classifier.json"));
    }

    /** What {@code schedule train-learned} records. */
    static LearnedStore.Sources learned() {
        LinkedHashMap<String, FittedFiles.Input> splits = new LinkedHashMap<>();
        splits.put("debsum", input("calibration.jsonl"));
        return new LearnedStore.Sources(common(), input("calibration-text.jsonl"), splits,
                new LearnedStore.Data(1, 1, 48, 24, "the task's max new tokens", "test", List.of(1, 1, 0, 0), null));
    }
}
