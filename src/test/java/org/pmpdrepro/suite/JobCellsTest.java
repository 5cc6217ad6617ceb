package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.container.JobCell;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

@Tag("unit")
class JobCellsTest {

    @Test
    void everyCellOfTheCommittedGridSurvivesTheJobProtocol() {
        Grid grid = Grid.read(Grid.DEFAULT_FILE);
        for (Ablation a : Ablation.values()) {
            assertThat(grid.of(a)).isNotEmpty().allSatisfy(c -> assertThat(JobCells.cell(JobCells.of(c)))
                    .isEqualTo(c));
        }
    }

    @Test
    void aCellTravelsWithTheProtocolsSpellingOfItsPairAndAblation() {
        Cell cell = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBTRANS, "gptq", new BitWidthPair(4, 3),
                "none-high");
        assertThat(JobCells.of(cell).id()).isEqualTo("a2-debtrans-gptq-4-3-none-high");
    }

    @Test
    void aJobCellOfNoAblationIsNamedInTheError() {
        JobCell job = new JobCell("A3", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "static");
        assertThatThrownBy(() -> JobCells.cell(job))
                .hasMessage("cell A3-debsum-rtn-4-3-static is no cell of the suite: unknown ablation 'A3', expected"
                        + " a1 or a2");
    }
}
