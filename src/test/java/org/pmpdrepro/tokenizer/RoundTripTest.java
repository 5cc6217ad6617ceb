package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** decode(encode(s)) gives back NFKC(s); special tokens keep to their ids and roles. */
@Tag("unit")
class RoundTripTest {

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

    static Stream<String> texts() {
        return Stream.concat(
                Stream.of("plain ASCII text.", "", "\u00e9t\u00e9\u202f: \u00ab\u00a0guillemets\u00a0\u00bb",
                        "Gr\u00fc\u00dfe aus K\u00f6ln, \u00c4rger \u00fcber \u00d6l", "\ud83d\ude42\ud83c\udf89",
                        "a\n\nb  c   \n"),
                TokenizerFixtures.trickyTexts().stream());
    }

    @ParameterizedTest
    @MethodSource("texts")
    @DisplayName("DJL decodes its own encoding back to the NFKC form of the text")
    void djlRoundTrip(String text) {
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(ByteLevel.normalize(text));
    }

    @ParameterizedTest
    @MethodSource("texts")
    @DisplayName("the reference encoder decodes its own encoding back to the NFKC form of the text")
    void referenceRoundTrip(String text) {
        assertThat(reference.decode(reference.encode(text))).isEqualTo(ByteLevel.normalize(text));
    }

    @Test
    @DisplayName("the empty text encodes to no ids")
    void emptyText() {
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.decode(new int[0])).isEmpty();
    }

    @Test
    @DisplayName("plain text never encodes to the special ids 0, 1 or 2")
    void plainTextHasNoSpecialIds() {
        for (String line : TokenizerFixtures.lines("corpus-heldout.txt")) {
            assertThat(tokenizer.encode(line)).as("ids of %s", line).doesNotContain(0, 1, 2);
        }
    }

    @Test
    @DisplayName("decoding leaves out <s>, </s> and <pad>")
    void decodeSkipsSpecials() {
        int[] body = tokenizer.encode("Hello there");
        int[] framed = IntStream.concat(IntStream.concat(IntStream.of(tokenizer.bosId()), Arrays.stream(body)),
                IntStream.of(tokenizer.eosId(), tokenizer.padId(), tokenizer.padId())).toArray();
        assertThat(tokenizer.decode(framed)).isEqualTo("Hello there");
    }

    /**
     * The native library matches special-token literals in raw text, so "<s>" typed in a text becomes id 1. This
     * test records that behaviour; texts fed to the model should not contain the literals.
     */
    @Test
    @DisplayName("a literal special-token string in a text is recognised as that special token")
    void literalSpecialTokenIsRecognised() {
        int[] ids = tokenizer.encode("a<s>b</s>");
        assertThat(ids).containsExactly(
                reference.encode("a")[0], tokenizer.bosId(), reference.encode("b")[0], tokenizer.eosId());
    }

    @Test
    @DisplayName("decoding an id outside the vocabulary is an error naming the id and the file")
    void unknownIdRejected() {
        assertThatThrownBy(() -> tokenizer.decode(new int[] {5, TokenizerFixtures.VOCAB_SIZE}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id " + TokenizerFixtures.VOCAB_SIZE + " at position 1")
                .hasMessageContaining("tokenizer.json");
    }
}
