package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
