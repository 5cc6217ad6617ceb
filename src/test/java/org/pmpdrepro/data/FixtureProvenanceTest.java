package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.io.Hashes;

/** A copy of the fixtures edited after they were built cannot pass for the committed ones. */
@Tag("unit")
class FixtureProvenanceTest {

    @TempDir
    Path dir;

    @BeforeEach
    void copyCommittedFixtures() throws IOException {
        try (Stream<Path> files = Files.walk(TaskFixtures.DEFAULT_DIR)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve(TaskFixtures.DEFAULT_DIR.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
    }

    /** Changes the reference of the first example of debsum's test split, keeping the line valid. */
    private Path editReference() throws IOException {
        Path file = TaskFixtures.file(dir, Task.DEBSUM, Split.TEST);
        String text = Files.readString(file);
        String edited = text.replaceFirst("\"reference\":\"", "\"reference\":\"edited ");
        assertThat(edited).isNotEqualTo(text);
        Files.writeString(file, edited);
        return file;
    }

    @Test
    @DisplayName("an unedited copy loads, and its provenance is the committed manifest's hash")
    void uneditedCopyLoads() {
        assertThat(TaskFixtures.load(dir, Task.DEBSUM, Split.TEST)).hasSize(512);
        assertThat(Provenance.manifestSha256(dir)).isEqualTo(Provenance.manifestSha256(TaskFixtures.DEFAULT_DIR));
    }

    @Test
    @DisplayName("an edited reference is refused as the file is loaded, naming the file and both hashes")
    void editedFileRefusedOnLoad() throws IOException {
        Path file = editReference();
        String recorded = TaskFixtures.manifest(dir).task(Task.DEBSUM).files().stream()
                .filter(f -> f.file().equals("debsum/test.jsonl")).findFirst().orElseThrow().sha256();
        assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBSUM, Split.TEST))
                .isInstanceOf(InputFormatException.class).hasMessageStartingWith(file + ": ")
                .hasMessageContaining(recorded).hasMessageContaining(Hashes.sha256Hex(file))
                .hasMessageContaining("manifest.json");
        assertThat(TaskFixtures.load(dir, Task.DEBSUM, Split.CALIBRATION)).isNotEmpty();
    }

    @Test
    @DisplayName("results are never stamped with a manifest hash whose listed files differ from those on disk")
    void editedFileRefusedForProvenance() throws IOException {
        Path file = editReference();
        assertThatThrownBy(() -> Provenance.manifestSha256(dir)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(Hashes.sha256Hex(file));
    }
}
