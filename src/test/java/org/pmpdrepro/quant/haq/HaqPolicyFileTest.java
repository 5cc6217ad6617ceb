package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.model.LlamaConfig;

/** The policy file is bound strictly: the committed one reads and writes back byte for byte; misfits name their path. */
@Tag("unit")
class HaqPolicyFileTest {

    static final Path COMMITTED = CommittedHaqPoliciesTest.DIR.resolve(HaqPolicyFile.FILE_NAME);
    static LlamaConfig config;

    @BeforeAll
    static void load() throws IOException {
        config = LlamaConfig.read(Path.of("fixtures", "model", "config.json"));
    }

    @Test
    void theCommittedFileWritesBackByteForByte(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve(HaqPolicyFile.FILE_NAME);
        HaqPolicyFile.read(COMMITTED, config).write(copy);
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(COMMITTED));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "\"minBits\" :          | \"colour\" : 1, \"minBits\" :  | colour: unknown field",
        "\"seed\" : 1,          | ~~                            | seed: missing; expected an integer",
        "\"method\" : \"haq\"   | \"method\" : \"gptq\"         | method: 'gptq'; expected 'haq'",
        "\"bestEpisode\" : 194  | \"bestEpisode\" : null        | policies[0].bestEpisode: null",
        "\"budgetBytes\" : 1728512 | \"budgetBytes\" : -1       | policies[0].budgetBytes: -1; expected a whole number",
        "\"model.layers.0.self_attn.q_proj.weight\" : | \"model.layers.9.self_attn.q_proj.weight\" :"
                + " | policies[0].bits.model.layers.9.self_attn.q_proj.weight: not a quantized matrix",
    })
    void aFieldThatDoesNotFitIsNamedByItsPath(String original, String replacement, String problem, @TempDir Path dir)
            throws IOException {
        String text = Files.readString(COMMITTED);
        assertThat(text).contains(original);
        String edited = text.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(replacement));
        Path file = dir.resolve(HaqPolicyFile.FILE_NAME);
        Files.writeString(file, edited);
        assertThatThrownBy(() -> HaqPolicyFile.read(file, config)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContaining(problem);
    }
}
