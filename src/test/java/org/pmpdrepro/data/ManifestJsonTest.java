package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures' manifest is bound strictly: the committed one writes back byte for byte; misfits name the field. */
@Tag("unit")
class ManifestJsonTest {

    static final Path COMMITTED = Path.of("fixtures", "tasks", FixtureBuilder.MANIFEST_FILE);

    @Test
    void theCommittedManifestWritesBackByteForByte(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve(FixtureBuilder.MANIFEST_FILE);
        ManifestJson.write(copy, ManifestJson.read(COMMITTED));
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(COMMITTED));
    }

    @Test
    void anUnknownOrMissingFieldIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        String text = Files.readString(COMMITTED);
        Path file = dir.resolve(FixtureBuilder.MANIFEST_FILE);
        Files.writeString(file, text.replace("\"selection\" :", "\"selektion\" : \"x\",\n  \"selection\" :"));
        assertThatThrownBy(() -> ManifestJson.read(file)).isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith(file + ": malformed manifest: selektion: unknown field");
        Files.writeString(file, text.replaceFirst("\"generatorVersion\" : \"[^\"]*\",\n\\s*", ""));
        assertThatThrownBy(() -> ManifestJson.read(file)).isInstanceOf(InputFormatException.class)
                .hasMessage(file + ": malformed manifest: generatorVersion: missing; expected a string");
        Files.writeString(file, text.replaceFirst("\"trainCorpus\" : \\{[^}]*\\}", "\"trainCorpus\" : null"));
        assertThat(ManifestJson.read(file).trainCorpus()).as("no training corpus written").isNull();
    }
}
