package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The written tokenizer.json, run by DJL's native library, encodes exactly as the Java reference encoder. */
@Tag("unit")
class DjlAgreementTest {

    @TempDir
    static Path dir;

    private static ProjectTokenizer tokenizer;
    private static BpeEncoder reference;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ProjectTokenizer.load(TokenizerFixtures.written(dir));
        reference = new BpeEncoder(TokenizerFixtures.trained());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static Stream<String> trickyTexts() {
        return TokenizerFixtures.trickyTexts().stream();
    }

    @Test
    @DisplayName("DJL gives the reference encoder's ids on every held-out line")
    void heldOutLines() {
        List<String> lines = TokenizerFixtures.lines("corpus-heldout.txt");
        assertThat(lines).hasSizeGreaterThan(200);
        for (String line : lines) {
            assertThat(tokenizer.encode(line)).as("ids of %s", line).isEqualTo(reference.encode(line));
        }
    }

    @Test
    @DisplayName("DJL gives the reference encoder's ids on held-out lines joined by newlines")
    void heldOutDocument() {
        String document = String.join("\n", TokenizerFixtures.lines("corpus-heldout.txt"));
        assertThat(tokenizer.encode(document)).isEqualTo(reference.encode(document));
    }

    @ParameterizedTest
    @MethodSource("trickyTexts")
    @DisplayName("DJL gives the reference encoder's ids on text that stresses NFKC and the split regex")
    void trickyText(String text) {
        assertThat(tokenizer.encode(text)).isEqualTo(reference.encode(text));
    }

    @Test
    @DisplayName("the plain DJL builder on the written directory gives the same ids as ProjectTokenizer")
    void plainDjlBuilder() throws IOException {
        String text = TokenizerFixtures.lines("corpus-heldout.txt").get(5);
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder()
                .optTokenizerPath(dir)
                .optAddSpecialTokens(false)
                .build()) {
            long[] ids = djl.encode(text).getIds();
            assertThat(Arrays.stream(ids).mapToInt(Math::toIntExact).toArray()).isEqualTo(tokenizer.encode(text));
        }
    }

    @Test
    @DisplayName("a text of thousands of tokens is not truncated at DJL's default 512")
    void noTruncation() {
        String long_ = String.join(" ", TokenizerFixtures.lines("corpus-heldout.txt"));
        int[] ids = tokenizer.encode(long_);
        assertThat(ids.length).isGreaterThan(2000);
        assertThat(ids).isEqualTo(reference.encode(long_));
    }

    @Test
    @DisplayName("batch encoding returns each text's own ids, unpadded")
    void batchIsUnpadded() {
        List<String> texts = List.of("short", TokenizerFixtures.lines("corpus-heldout.txt").get(0), "");
        List<int[]> batch = tokenizer.encodeBatch(texts);
        assertThat(batch).hasSize(3);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i)).isEqualTo(reference.encode(texts.get(i)));
        }
    }

    @Test
    @DisplayName("vocabulary size and special ids are read from the written files")
    void metadata() {
        assertThat(tokenizer.vocabSize()).isEqualTo(TokenizerFixtures.VOCAB_SIZE);
        assertThat(tokenizer.padId()).isZero();
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
    }
}
