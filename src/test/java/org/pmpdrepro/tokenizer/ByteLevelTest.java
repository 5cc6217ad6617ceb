package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ByteLevelTest {

    @Test
    @DisplayName("the 256 bytes map to 256 distinct characters and back")
    void byteSymbolsAreABijection() {
        byte[] all = new byte[256];
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
            seen.add(ByteLevel.symbol(b));
        }
        assertThat(seen).hasSize(256);
        assertThat(ByteLevel.toBytes(ByteLevel.toSymbols(all))).isEqualTo(all);
    }

    @Test
    @DisplayName("printable bytes stand for themselves; space, newline and NUL take GPT-2's stand-ins")
    void gpt2StandIns() {
        assertThat(ByteLevel.symbol('A')).isEqualTo('A');
        assertThat(ByteLevel.symbol(0xE9)).isEqualTo('\u00E9');
        assertThat(ByteLevel.symbol(' ')).isEqualTo('\u0120'); // Ġ
        assertThat(ByteLevel.symbol('\n')).isEqualTo('\u010A'); // Ċ
        assertThat(ByteLevel.symbol(0)).isEqualTo('\u0100'); // Ā
        assertThat(ByteLevel.symbol(0xAD)).isEqualTo('\u0143'); // soft hyphen, the last non-printable
    }

    @Test
    @DisplayName("the GPT-2 regex keeps a space with the following word and contractions apart")
    void splitFollowsGpt2() {
        assertThat(ByteLevel.split("Hello world's  end!!\n"))
                .containsExactly("Hello", " world", "'s", " ", " end", "!!", "\n");
        assertThat(ByteLevel.split("")).isEmpty();
    }

    @Test
    @DisplayName("Unicode white space is white space for the split, as in the native regex engine")
    void unicodeWhiteSpace() {
        assertThat(ByteLevel.split("x\u2028 \u2028y")).containsExactly("x", "\u2028 ", "\u2028", "y");
    }

    @Test
    @DisplayName("NFKC turns the narrow no-break space of French typography into a plain space")
    void nfkcNarrowNoBreakSpace() {
        assertThat(ByteLevel.normalize("mot\u202f:")).isEqualTo("mot :");
        assertThat(ByteLevel.preTokenize("mot\u202f:")).containsExactly("mot", "\u0120:");
    }

    @Test
    @DisplayName("pre-tokenized words spell the UTF-8 bytes of the normalised text")
    void preTokenizedWordsSpellTheBytes() {
        String text = "Größe 🙂 ok";
        StringBuilder bytes = new StringBuilder();
        for (String word : ByteLevel.preTokenize(text)) {
            bytes.append(new String(ByteLevel.toBytes(word), StandardCharsets.UTF_8));
        }
        assertThat(bytes.toString()).isEqualTo(text);
    }

    @Test
    @DisplayName("a character that stands for no byte is rejected with its code point")
    void rejectsForeignCharacters() {
        assertThatThrownBy(() -> ByteLevel.toBytes("a\u4E2D"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+4E2D")
                .hasMessageContaining("index 1");
    }
}
