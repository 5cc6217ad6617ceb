package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CellReporterTest {

    @Test
    void theSilentReporterStillRunsEachStepAndPassesItsFailureOn() throws Exception {
        CellReporter none = CellReporter.none();
        none.parameters(new CellParameters("A1", "debsum", "GPTQ", "4>3", "static"));
        none.attachTraces("t", List.of(new PrecisionTrace("s", List.of(4.0))));

        assertThat(none.step("decode", () -> "out")).isEqualTo("out");
        assertThatThrownBy(() -> none.step("decode", () -> {
            throw new IllegalStateException(FailureCategory.DECODER_CRASH.message("boom"));
        })).hasMessage("decoder crash: boom");
    }

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
