package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class LlamaConfigTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            {"vocab_size": 32000, "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 22,
             "num_attention_heads": 32, "num_key_value_heads": 4, "max_position_embeddings": 2048,
             "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": false,
             "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "rope_scaling": null}
            """;

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    @DisplayName("a TinyLlama-shaped config reads with grouped-query attention")
    void readsGqaConfig() throws IOException {
        LlamaConfig c = LlamaConfig.read(config(VALID));
        assertThat(c.numKvHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.kvDim()).isEqualTo(256);
        assertThat(c.groupSize()).isEqualTo(8);
    }

    @Test
    @DisplayName("a missing required field is named with the file")
    void missingFieldNamed() throws IOException {
        Path f = config(VALID.replace("\"hidden_size\": 2048,", ""));
        assertThatThrownBy(() -> LlamaConfig.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("'hidden_size' is missing");
    }

    @Test
    @DisplayName("fields that would change the architecture silently are refused")
    void unsupportedFieldsRefused() throws IOException {
        Path scaled = config(VALID.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"linear\"}"));
        assertThatThrownBy(() -> LlamaConfig.read(scaled)).hasMessageContaining("'rope_scaling'");
        Path gelu = config(VALID.replace("\"silu\"", "\"gelu\""));
        assertThatThrownBy(() -> LlamaConfig.read(gelu)).hasMessageContaining("'hidden_act'");
        Path bias = config(VALID.replace("\"hidden_act\"", "\"attention_bias\": true, \"hidden_act\""));
        assertThatThrownBy(() -> LlamaConfig.read(bias)).hasMessageContaining("'attention_bias' is true");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"max_position_embeddings\": 2048 | \"max_position_embeddings\": -5 | 'max_position_embeddings' is -5; expected a positive integer",
        "\"max_position_embeddings\": 2048 | \"max_position_embeddings\": 0 | 'max_position_embeddings' is 0; expected a positive integer",
        "\"eos_token_id\": 2 | \"eos_token_id\": [] | 'eos_token_id' is []; expected a token id (an integer) or a non-empty array",
        "\"eos_token_id\": 2 | \"eos_token_id\": \"2\" | 'eos_token_id' is \"2\"; expected a token id",
        "\"eos_token_id\": 2 | \"eos_token_id\": 32000 | 'eos_token_id' is 32000; expected a token id in [0, vocab_size 32000)",
        "\"bos_token_id\": 1 | \"bos_token_id\": -1 | 'bos_token_id' is -1; expected a token id in [0, vocab_size 32000)",
        "\"tie_word_embeddings\": false | \"tie_word_embeddings\": \"yes\" | 'tie_word_embeddings' is \"yes\"; expected true or false",
        "\"rope_theta\": 10000.0 | \"rope_theta\": 1e999 | 'rope_theta' is Infinity; expected a positive finite number",
    })
    @DisplayName("a field out of its bounds is refused with the file, the field, the value and the expected form")
    void outOfBoundsFieldsRefused(String from, String to, String message) throws IOException {
        assertThat(VALID).contains(from);
        Path f = config(VALID.replace(from, to));
        assertThatThrownBy(() -> LlamaConfig.read(f)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(message);
    }

    @Test
    @DisplayName("a repeated key is refused with the file and the key, not read as its last value")
    void repeatedKeyRefused() throws IOException {
        Path f = config(VALID.replace("\"num_hidden_layers\": 22,", "\"num_hidden_layers\": 22, \"num_hidden_layers\": 40,"));
        assertThatThrownBy(() -> LlamaConfig.read(f)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining("Duplicate field 'num_hidden_layers'");
    }

    @Test
    @DisplayName("several end-of-sequence ids are accepted and the first is the one decoding stops at")
    void firstOfSeveralEosIds() throws IOException {
        assertThat(LlamaConfig.read(config(VALID.replace("\"eos_token_id\": 2", "\"eos_token_id\": [2, 7]")))
                .eosTokenId()).isEqualTo(2);
    }

    @Test
    @DisplayName("a config claiming 2^31-1 layers fails validation at the first missing layer, in well under a second")
    void absurdLayerCountFailsFast() throws IOException {
        LlamaConfig tiny = TinyLlamaFactory.tinyConfig();
        CheckpointWriter.write(dir, tiny, TinyLlamaFactory.randomWeights(tiny, 1), DType.F32);
        Path configFile = dir.resolve("config.json");
        Files.writeString(configFile, Files.readString(configFile).replace("\"num_hidden_layers\" : 2",
                "\"num_hidden_layers\" : 2147483647"));
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            assertThat(ckpt.config().numLayers()).isEqualTo(Integer.MAX_VALUE);
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(ckpt::validate)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("tensor 'model.layers.2.input_layernorm.weight'").hasMessageContaining("missing"));
        }
    }

    @Test
    @DisplayName("a missing config file is reported as missing, not as invalid JSON")
    void missingFile() {
        assertThatThrownBy(() -> LlamaConfig.read(dir.resolve("config.json")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("config.json");
    }

    @Test
    @DisplayName("a written config reads back equal")
    void roundTrip() throws IOException {
        LlamaConfig c = TinyLlamaFactory.tinyConfig();
        CheckpointWriter.write(dir, c, TinyLlamaFactory.randomWeights(c, 1), DType.F32);
        assertThat(LlamaConfig.read(dir.resolve("config.json"))).isEqualTo(c);
    }
}
