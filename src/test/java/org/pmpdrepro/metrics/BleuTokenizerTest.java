package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** sacrebleu's tokenizers on readable examples (outputs checked against sacrebleu 2.6.0). */
@Tag("unit")
class BleuTokenizerTest {

    @Test
    void thirteenASplitsPunctuationButKeepsApostrophesAndNumbers() {
        assertThat(BleuTokenizer.THIRTEEN_A.tokenize("It wasn't surprising."))
                .containsExactly("It", "wasn't", "surprising", ".");
        assertThat(BleuTokenizer.THIRTEEN_A.tokenize("1,000.5 dogs in 1990-2000, e.g. U.S.A."))
                .containsExactly("1,000.5", "dogs", "in", "1990", "-", "2000", ",", "e", ".", "g", ".", "U", ".", "S", ".",
                        "A", ".");
    }

    @Test
    void thirteenAUnescapesEntitiesDropsSkippedAndJoinsHyphenatedLineBreaks() {
        assertThat(BleuTokenizer.THIRTEEN_A.tokenize("&quot;quoted&quot; &amp; <skipped>done"))
                .containsExactly("\"", "quoted", "\"", "&", "done");
        assertThat(BleuTokenizer.THIRTEEN_A.tokenize("a-\nb c\nd")).containsExactly("ab", "c", "d");
    }

    @Test
    void intlSplitsUnicodePunctuationAndSymbolsExceptBetweenDigits() {
        assertThat(BleuTokenizer.INTL.tokenize("«guillemets» et €100, 3.14!"))
                .containsExactly("«", "guillemets", "»", "et", "€", "100", ",", "3.14!");
        assertThat(BleuTokenizer.INTL.tokenize("don't (stop) 2,5"))
                .containsExactly("don", "'", "t", "(", "stop", ")", "2,5");
    }

    @Test
    void charMakesEveryNonSpaceCharacterATokenAndNoneSplitsOnPythonWhitespace() {
        assertThat(BleuTokenizer.CHAR.tokenize("ab c\u00a0d")).containsExactly("a", "b", "c", "d");
        assertThat(BleuTokenizer.NONE.tokenize(" a\u2009b\u001fc  ")).containsExactly("a", "b", "c");
    }

    @Test
    void unknownTokenizerNamesAreRefusedWithTheChoices() {
        assertThat(BleuTokenizer.byName("13a")).isEqualTo(BleuTokenizer.THIRTEEN_A);
        assertThatThrownBy(() -> BleuTokenizer.byName("zh")).hasMessageContaining("'zh'").hasMessageContaining("13a, none, intl, char");
    }
}
