package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A cell's coordinates as the report shows them, and links to golden rows. */
@Tag("unit")
class CellParametersTest {

    @Test
    void aCellReadsAsTaskBackbonePairAndScheduler() {
        CellParameters cell = new CellParameters("A2", "debtrans", "Any-Precision", "4>3", "learned");
        assertThat(cell.displayName()).isEqualTo("debtrans · Any-Precision · 4>3 · learned");
        assertThat(cell.asMap()).containsKeys("ablation", "task", "backbone", "pair", "scheduler");
    }

    @Test
    void aBlankCoordinateIsRefusedByName() {
        assertThatThrownBy(() -> new CellParameters("A2", "debtrans", " ", "4>3", "learned"))
                .hasMessageContaining("backbone is blank");
    }

    @Test
    void aGoldenReferenceLinksToItsLine() {
        GoldenRef row = new GoldenRef("golden/ablation1.csv", 3);
        assertThat(row.label()).isEqualTo("golden/ablation1.csv:3");
        assertThat(row.url("https://host/blob/c0ffee/{}")).isEqualTo("https://host/blob/c0ffee/golden/ablation1.csv#L3");
        assertThatThrownBy(() -> new GoldenRef("golden/a.csv", 0)).hasMessageContaining("line 0");
    }
}
