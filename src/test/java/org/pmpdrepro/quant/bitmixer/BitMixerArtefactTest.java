package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.io.JsonBinding;

/** The committed manifest binds and writes back byte for byte; a manifest that does not fit names the field. */
@Tag("unit")
class BitMixerArtefactTest {

    static final Path COMMITTED = CommittedBitMixerTest.ARTEFACT.resolve(BitMixerArtefact.MANIFEST);

    @Test
    void theCommittedManifestWritesBackByteForByte() throws IOException {
        BitMixerArtefact.Manifest m = BitMixerArtefact.manifest(CommittedBitMixerTest.ARTEFACT);
        assertThat(m.settings().bitWidths()).containsExactly(2, 3, 4, 5);
        assertThat(JsonBinding.write(m)).isEqualTo(Files.readString(COMMITTED));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "\"steps\" : 120,         | \"steps\" : \"120\",      | steps: \"120\": expected an integer",
        "\"logEvery\" : 5,        | \"logEvery\" : 5, \"x\" : 1, | settings.x: unknown field",
        "\"uniformSteps\" : 60,   | \"uniformSteps\" : 600,   | settings: steps 120 with a uniform first phase of 600",
        "\"lr\" : 1.5E-4          | \"lr\" : null             | training_log[0].lr: null",
        "\"method\" : \"bit-mixer\" | \"method\" : \"haq\"    | method 'haq'",
    })
    void aManifestThatDoesNotFitIsRefusedNamingTheField(String original, String replacement, String problem,
            @TempDir Path dir) throws IOException {
        String text = Files.readString(COMMITTED);
        assertThat(text).contains(original);
        Files.writeString(dir.resolve(BitMixerArtefact.MANIFEST), text.replaceFirst(
                java.util.regex.Pattern.quote(original), java.util.regex.Matcher.quoteReplacement(replacement)));
        assertThatThrownBy(() -> BitMixerArtefact.manifest(dir)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(dir.resolve(BitMixerArtefact.MANIFEST) + ": ").hasMessageContaining(problem);
    }
}
