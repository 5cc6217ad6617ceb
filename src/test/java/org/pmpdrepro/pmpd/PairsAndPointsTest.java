package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.Precision;

/** Precision pairs as the paper writes them, and the switch-point grids. */
@Tag("unit")
class PairsAndPointsTest {

    @Test
    void pairsParseIntoHighAndLowPrecisions() {
        PrecisionPair p = PrecisionPair.parse("4>3");
        assertThat(p.high()).isEqualTo(Precision.bits(4));
        assertThat(p.low()).isEqualTo(Precision.bits(3));
        assertThat(PrecisionPair.parse(" 3 > 2 ").label()).isEqualTo("3>2");
        assertThat(p.fileLabel()).isEqualTo("4-3");
    }

    @Test
    void malformedOrInvertedPairsAreRefusedWithTheirText() {
        assertThatThrownBy(() -> PrecisionPair.parse("4-3")).hasMessageContaining("'4-3'")
                .hasMessageContaining("HIGH>LOW");
        assertThatThrownBy(() -> PrecisionPair.parse("3>4")).hasMessageContaining("must exceed");
        assertThatThrownBy(() -> PrecisionPair.parse("3>3")).hasMessageContaining("must exceed");
        assertThatThrownBy(() -> PrecisionPair.parse("17>3")).hasMessageContaining("17");
    }

    @Test
    void theFourCandidatesAreThePapersCodes() {
        assertThat(SwitchPoints.candidates(24)).containsExactly(0, 8, 16, 24);
        assertThat(SwitchPoints.candidates(64)).containsExactly(0, 21, 42, 64);
        assertThat(SwitchPoints.candidates(20)).containsExactly(0, 6, 12, 20);
    }

    @Test
    void aFinerGridStillContainsTheFourCandidates() {
        assertThat(SwitchPoints.grid(24, 4)).containsExactly(0, 8, 16, 24);
        assertThat(SwitchPoints.grid(24, 7)).containsExactly(0, 4, 8, 12, 16, 20, 24);
        assertThat(SwitchPoints.grid(20, 3)).contains(0, 6, 10, 12, 20);
    }

    @Test
    void theStaticChoiceIsTheCheapestSwitchPointWithinToleranceOfNeverSwitching() {
        java.util.List<StaticSearch.Row> rows = java.util.List.of(new StaticSearch.Row(0, 3.0, 0.30),
                new StaticSearch.Row(8, 3.3, 0.345), new StaticSearch.Row(16, 3.7, 0.36),
                new StaticSearch.Row(24, 4.0, 0.35));
        assertThat(StaticSearch.choose(rows, 0.01)).isEqualTo(8);
        assertThat(StaticSearch.choose(rows, 0.06)).isEqualTo(0);
        assertThat(StaticSearch.choose(rows, 0.0)).isEqualTo(16);
    }
}
