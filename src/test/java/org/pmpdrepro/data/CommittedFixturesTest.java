package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.io.Hashes;

/** The fixtures committed under fixtures/tasks load and agree with their manifest. */
@Tag("unit")
class CommittedFixturesTest {

    private static final Path DIR = TaskFixtures.DEFAULT_DIR;

    @Test
    @DisplayName("every committed file has the SHA-256 and line count its manifest records")
    void filesMatchManifest() {
        FixtureManifest m = TaskFixtures.manifest(DIR);
        assertThat(m.generatorVersion()).isEqualTo(FixtureBuilder.GENERATOR_VERSION);
        for (Task t : Task.values()) {
            for (FixtureManifest.FileEntry f : m.task(t).files()) {
                assertThat(Hashes.sha256Hex(DIR.resolve(f.file()))).as(f.file()).isEqualTo(f.sha256());
            }
        }
        assertThat(Hashes.sha256Hex(DIR.resolve(m.calibrationText().file()))).isEqualTo(m.calibrationText().sha256());
        assertThat(m.commandLine()).as("paths in the recorded command are relative").doesNotContain(" /");
    }

    @Test
    @DisplayName("each task has at least 200 test prompts, rendered from its template and within its split")
    void testSetsAreUsable() {
        FixtureManifest m = TaskFixtures.manifest(DIR);
        for (Task t : Task.values()) {
            List<TaskExample> test = TaskFixtures.load(DIR, t, Split.TEST);
            List<TaskExample> calibration = TaskFixtures.load(DIR, t, Split.CALIBRATION);
            assertThat(test).hasSizeGreaterThanOrEqualTo(200).hasSize(m.task(t).written().test());
            assertThat(calibration).hasSize(m.task(t).written().calibration());
            assertThat(m.task(t).template()).isEqualTo(t.template());
            assertThat(m.task(t).maxNewTokens()).isEqualTo(t.maxNewTokens());
            for (TaskExample e : test) {
                assertThat(SplitRule.splitOf(e.packageName())).isEqualTo(Split.TEST);
            }
            for (TaskExample e : calibration) {
                assertThat(SplitRule.splitOf(e.packageName())).isEqualTo(Split.CALIBRATION);
            }
        }
    }

    /**
     * The example writer gives back every committed line byte for byte from what the reader made of it, so a
     * rebuild writes the files their manifest hashes (the writer binds a record since issue 19).
     */
    @Test
    @DisplayName("every committed example and calibration-text line is written back byte for byte from what was read")
    void everyCommittedLineRoundTripsByteForByte() throws Exception {
        int lines = 0;
        for (Task t : Task.values()) {
            for (Split split : List.of(Split.TEST, Split.CALIBRATION)) {
                Path file = DIR.resolve(t.id()).resolve(split.id() + ".jsonl");
                long n = 0;
                for (String line : java.nio.file.Files.readAllLines(file)) {
                    n++;
                    assertThat(ExampleJson.toJson(ExampleJson.parse(line, file.toString(), n)))
                            .as(file + ":" + n).isEqualTo(line);
                    lines++;
                }
            }
        }
        assertThat(lines).isGreaterThan(600);
        Path calibration = DIR.resolve(FixtureBuilder.CALIBRATION_TEXT_FILE);
        for (String line : java.nio.file.Files.readAllLines(calibration)) {
            ExampleJson.Document d = org.pmpdrepro.io.JsonBinding.parse(line, ExampleJson.Document.class);
            assertThat(ExampleJson.line(d)).as(calibration.toString()).isEqualTo(line);
        }
    }
}
