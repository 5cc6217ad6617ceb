package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class BitWidthPairTest {

    @Test
    void aPairIsWrittenAsThePaperWritesItAndInAFileNameSafeForm() {
        BitWidthPair p = new BitWidthPair(4, 3);
        assertThat(p).hasToString("4>3");
        assertThat(p.fileLabel()).isEqualTo("4-3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4>3", "4-3", " 4 > 3 ", "4 -3"})
    void bothWrittenFormsParseToTheSamePair(String text) {
        assertThat(BitWidthPair.parse(text)).isEqualTo(new BitWidthPair(4, 3));
    }

    @Test
    void eachFormReadsBackToThePairItWasWrittenFrom() {
        BitWidthPair p = new BitWidthPair(16, 2);
        assertThat(BitWidthPair.parse(p.toString())).isEqualTo(p);
        assertThat(BitWidthPair.parse(p.fileLabel())).isEqualTo(p);
    }

    @Test
    void thePrecisionsAreTheUniformBitWidths() {
        BitWidthPair p = new BitWidthPair(3, 2);
        assertThat(p.highPrecision()).isEqualTo(Precision.bits(3));
        assertThat(p.lowPrecision()).isEqualTo(Precision.bits(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3<4", "4/3", "4>", "four>three", "", "4>3>2"})
    void malformedTextIsRefusedNamingTheExpectedForms(String text) {
        assertThatThrownBy(() -> BitWidthPair.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision pair '" + text + "': expected HIGH>LOW or HIGH-LOW bit-widths, such as 4>3"
                        + " or 4-3");
    }

    @Test
    void aPairMustDescendFromHighToLowWithinSixteenBits() {
        assertThatThrownBy(() -> BitWidthPair.parse("2>3")).hasMessage(
                "precision pair 2>3: expected 16 >= high > low >= 1 bits");
        assertThatThrownBy(() -> BitWidthPair.parse("3-3")).hasMessageContaining("high > low");
        assertThatThrownBy(() -> new BitWidthPair(17, 3)).hasMessageContaining("17>3");
        assertThatThrownBy(() -> new BitWidthPair(2, 0)).hasMessageContaining("2>0");
        assertThatThrownBy(() -> BitWidthPair.parse(null)).hasMessageContaining("'null'");
    }
}
