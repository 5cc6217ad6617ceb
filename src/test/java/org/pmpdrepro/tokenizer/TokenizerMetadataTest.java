package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TokenizerMetadataTest {

    /** The project tokenizer's tokenizer.json alone, with the given side files. */
    private static Path dirWith(Path dir, String tokenizerConfig, String config) throws IOException {
        TokenizerFixtures.written(dir);
        Files.delete(dir.resolve("tokenizer_config.json"));
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        if (config != null) {
            Files.writeString(dir.resolve("config.json"), config);
        }
        return dir.resolve("tokenizer.json");
    }

    @Test
    @DisplayName("tokens named in tokenizer_config.json are looked up in tokenizer.json")
    void rolesFromTokenizerConfig(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, "{\"bos_token\": \"</s>\", \"eos_token\": {\"content\": \"<s>\"}}", null);
        assertThat(TokenizerMetadata.read(file))
                .isEqualTo(new TokenizerMetadata(TokenizerFixtures.VOCAB_SIZE, 2, 1, 1));
    }

    @Test
    @DisplayName("config.json token ids take precedence over the tokens tokenizer_config.json names")
    void configIdsOverride(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"pad_token\": \"<pad>\"}",
                "{\"bos_token_id\": 5, \"eos_token_id\": [7, 2], \"pad_token_id\": null}");
        assertThat(TokenizerMetadata.read(file))
                .isEqualTo(new TokenizerMetadata(TokenizerFixtures.VOCAB_SIZE, 5, 7, 0));
    }

    @Test
    @DisplayName("without any declaration of bos, loading fails naming both places it looked")
    void missingBos(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, "{\"eos_token\": \"</s>\"}", null);
        assertThatThrownBy(() -> TokenizerMetadata.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no bos token")
                .hasMessageContaining("bos_token_id")
                .hasMessageContaining("tokenizer_config.json field 'bos_token'");
    }

    @Test
    @DisplayName("a role token that tokenizer.json lacks is an error naming the token and both files")
    void unknownToken(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, "{\"bos_token\": \"<|begin|>\", \"eos_token\": \"</s>\"}", null);
        assertThatThrownBy(() -> TokenizerMetadata.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'<|begin|>'")
                .hasMessageContaining("tokenizer_config.json")
                .hasMessageContaining("tokenizer.json does not contain");
    }

    @Test
    @DisplayName("an id outside the vocabulary is an error naming the role and the bound")
    void idOutOfRange(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, null, "{\"bos_token_id\": 1, \"eos_token_id\": 900}");
        assertThatThrownBy(() -> TokenizerMetadata.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("eos id 900 is outside the vocabulary [0, " + TokenizerFixtures.VOCAB_SIZE + ")");
    }

    @Test
    @DisplayName("a malformed token id in config.json is an error naming the file and field")
    void malformedId(@TempDir Path dir) throws IOException {
        Path file = dirWith(dir, null, "{\"bos_token_id\": \"one\", \"eos_token_id\": 2}");
        assertThatThrownBy(() -> TokenizerMetadata.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("config.json: field 'bos_token_id' is \"one\"");
    }

    @Test
    @DisplayName("a tokenizer.json whose first bytes look like UTF-32 is read as UTF-8 and refused naming the file")
    void notGuessedAsUtf32(@TempDir Path dir) throws IOException {
        // Found by TokenizerJsonFuzzTest#metadata: Jackson took 7F 00 00 00 for UTF-32 and its CharConversionException
        // named no file.
        Path file = dirWith(dir, null, "{\"bos_token_id\": 1, \"eos_token_id\": 2}");
        Files.write(file, new byte[] {0x7F, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> TokenizerMetadata.read(file)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": not valid JSON");
    }
}
