package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TextNormalizerTest {

    @Test
    @DisplayName("narrow no-break and no-break spaces become plain spaces")
    void noBreakSpaces() {
        assertThat(TextNormalizer.normalize("Attention\u202F! 3\u00A0Go")).isEqualTo("Attention ! 3 Go");
    }

    @Test
    @DisplayName("NFKC folds compatibility characters (ligatures, full-width forms)")
    void nfkc() {
        assertThat(TextNormalizer.normalize("\uFB01chier \uFF21\uFF22")).isEqualTo("fichier AB");
        assertThat(TextNormalizer.normalize("e\u0301t\u00E9")).isEqualTo("\u00E9t\u00E9");
    }

    @Test
    @DisplayName("runs of spaces and tabs collapse to one space and the ends are trimmed")
    void collapse() {
        assertThat(TextNormalizer.normalize("  a \t  b\u00A0\u202F c  ")).isEqualTo("a b c");
    }

    @Test
    @DisplayName("truncation cuts at the last word boundary within the limit and appends nothing")
    void truncateAtWord() {
        assertThat(TextNormalizer.truncateAtWord("alpha beta gamma", 12)).isEqualTo("alpha beta");
        assertThat(TextNormalizer.truncateAtWord("alpha beta gamma", 11)).isEqualTo("alpha beta");
        assertThat(TextNormalizer.truncateAtWord("alpha beta gamma", 16)).isEqualTo("alpha beta gamma");
        assertThat(TextNormalizer.truncateAtWord("abcdefghij", 4)).isEqualTo("abcd");
    }

    @Test
    @DisplayName("words are counted between single spaces")
    void wordCount() {
        assertThat(TextNormalizer.wordCount("")).isZero();
        assertThat(TextNormalizer.wordCount("one")).isEqualTo(1);
        assertThat(TextNormalizer.wordCount("two words")).isEqualTo(2);
    }
}
