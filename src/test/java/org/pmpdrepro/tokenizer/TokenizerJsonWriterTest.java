package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TokenizerJsonWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("tokenizer.json declares NFKC, byte-level pre-tokenizer and decoder, and a plain BPE model")
    void pipelineFields(@TempDir Path dir) throws IOException {
        JsonNode root = JSON.readTree(TokenizerFixtures.written(dir).resolve("tokenizer.json").toFile());
        assertThat(root.path("version").asText()).isEqualTo("1.0");
        assertThat(root.path("normalizer").path("type").asText()).isEqualTo("NFKC");
        JsonNode pre = root.path("pre_tokenizer");
        assertThat(pre.path("type").asText()).isEqualTo("ByteLevel");
        assertThat(pre.path("add_prefix_space").asBoolean(true)).isFalse();
        assertThat(pre.path("use_regex").asBoolean(false)).isTrue();
        assertThat(root.path("decoder").path("type").asText()).isEqualTo("ByteLevel");
        JsonNode model = root.path("model");
        assertThat(model.path("type").asText()).isEqualTo("BPE");
        assertThat(model.path("unk_token").isNull()).isTrue();
        assertThat(model.path("byte_fallback").asBoolean(true)).isFalse();
        assertThat(model.path("vocab").size()).isEqualTo(TokenizerFixtures.VOCAB_SIZE);
        assertThat(model.path("merges").size()).isEqualTo(TokenizerFixtures.trained().merges().size());
        assertThat(model.path("merges").get(0).asText()).isEqualTo(
                TokenizerFixtures.trained().merges().get(0).left() + " " + TokenizerFixtures.trained().merges().get(0).right());
    }

    @Test
    @DisplayName("the special tokens are added tokens <pad>=0, <s>=1, </s>=2, marked special, matched before NFKC")
    void addedTokens(@TempDir Path dir) throws IOException {
        JsonNode added = JSON.readTree(TokenizerFixtures.written(dir).resolve("tokenizer.json").toFile())
                .path("added_tokens");
        assertThat(added.size()).isEqualTo(3);
        List<String> contents = List.of("<pad>", "<s>", "</s>");
        for (int id = 0; id < 3; id++) {
            assertThat(added.get(id).path("id").asInt()).isEqualTo(id);
            assertThat(added.get(id).path("content").asText()).isEqualTo(contents.get(id));
            assertThat(added.get(id).path("special").asBoolean()).isTrue();
            assertThat(added.get(id).path("normalized").asBoolean(true)).isFalse();
        }
    }

    @Test
    @DisplayName("tokenizer_config.json names <s>, </s> and <pad> as bos, eos and pad")
    void tokenizerConfigRoles(@TempDir Path dir) throws IOException {
        JsonNode config = JSON.readTree(TokenizerFixtures.written(dir).resolve("tokenizer_config.json").toFile());
        assertThat(config.path("bos_token").asText()).isEqualTo("<s>");
        assertThat(config.path("eos_token").asText()).isEqualTo("</s>");
        assertThat(config.path("pad_token").asText()).isEqualTo("<pad>");
    }

    @Test
    @DisplayName("two trainings write byte-identical tokenizer.json files")
    void byteIdenticalOutput(@TempDir Path dir) throws IOException {
        List<String> corpus = TokenizerFixtures.lines("corpus-train.txt");
        BpeTrainer trainer = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(TokenizerFixtures.VOCAB_SIZE));
        TokenizerJsonWriter.writeDirectory(trainer.train(corpus), TokenizerJsonWriter.Roles.project(), dir.resolve("a"));
        TokenizerJsonWriter.writeDirectory(trainer.train(corpus), TokenizerJsonWriter.Roles.project(), dir.resolve("b"));
        assertThat(Files.readAllBytes(dir.resolve("a/tokenizer.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/tokenizer.json")));
        assertThat(Files.readAllBytes(dir.resolve("a/tokenizer_config.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/tokenizer_config.json")));
    }

    @Test
    @DisplayName("rewriting replaces the files and leaves no temporary file behind")
    void atomicReplace(@TempDir Path dir) throws IOException {
        TokenizerFixtures.written(dir);
        TokenizerFixtures.written(dir);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tokenizer.json", "tokenizer_config.json");
        }
    }

    @Test
    @DisplayName("a role naming a token that is not special is refused before anything is written")
    void unknownRoleToken(@TempDir Path dir) {
        assertThatThrownBy(() -> TokenizerJsonWriter.writeDirectory(TokenizerFixtures.trained(),
                        new TokenizerJsonWriter.Roles("<bos>", "</s>", "<pad>"), dir.resolve("out")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'<bos>'");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
