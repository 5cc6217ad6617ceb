package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ProjectTokenizer serves a SentencePiece-converted Llama tokenizer through the same code path. */
@Tag("unit")
class LlamaStyleTokenizerTest {

    private static ProjectTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ProjectTokenizer.load(TokenizerFixtures.resourceDir("llama-style"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    @DisplayName("bos and eos come from the model directory; with no pad token, pad falls back to eos")
    void specialIds() {
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.padId()).isEqualTo(2);
        assertThat(tokenizer.vocabSize()).isEqualTo(277);
    }

    @Test
    @DisplayName("words encode to their merged pieces, without the <s> the template would add")
    void encodesWithoutTemplateTokens() {
        assertThat(tokenizer.encode("Hello world")).containsExactly(271, 276);
    }

    @Test
    @DisplayName("characters outside the vocabulary fall back to byte tokens and decode back")
    void byteFallbackRoundTrip() {
        int[] ids = tokenizer.encode("Hello world \ud83d\ude42");
        // ▁Hello ▁world ▁ then the four UTF-8 bytes of U+1F642 as <0xF0><0x9F><0x99><0x82> (ids 3 + byte).
        assertThat(ids).containsExactly(271, 276, 259, 3 + 0xF0, 3 + 0x9F, 3 + 0x99, 3 + 0x82);
        assertThat(tokenizer.decode(ids)).isEqualTo("Hello world \ud83d\ude42");
    }

    @Test
    @DisplayName("decoding skips <s> and </s> and strips the leading word-boundary space")
    void decodeSkipsSpecials() {
        assertThat(tokenizer.decode(new int[] {1, 271, 276, 2})).isEqualTo("Hello world");
    }
}
