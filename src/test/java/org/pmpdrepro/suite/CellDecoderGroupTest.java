package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.SampleOutput;

/**
 * Cells of one task, back-bone and pair decoded together (sharing their prefills) give exactly the outputs each
 * gives decoded on its own, including a cell whose plan needs a sibling's decode.
 */
@Tag("unit")
class CellDecoderGroupTest {

    static final SuiteSettings SETTINGS = new SuiteSettings(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR,
            DeviceChoice.CPU, 4, 8, 1);

    static List<Cell> cells() {
        BitWidthPair pair = new BitWidthPair(4, 3);
        return List.of("none-high", "static", "phase-aware-only", "none-low", "none-matched").stream()
                .map(s -> new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision", pair, s))
                .toList();
    }

    @Test
    void aGroupDecodeGivesEachCellTheOutputsItGetsAlone() {
        List<Cell> cells = cells();
        try (CellDecoder together = new CellDecoder(SuiteRegistry.defaults(), SETTINGS);
                CellDecoder alone = new CellDecoder(SuiteRegistry.defaults(), SETTINGS)) {
            together.plan(cells);
            for (Cell c : cells) {
                DecodedCell shared = together.decode(c);
                DecodedCell single = alone.decode(c);
                assertThat(texts(shared.outputs().samples())).as(c.scheduler())
                        .isEqualTo(texts(single.outputs().samples()));
                assertThat(shared.outputs().samples().stream().map(SampleOutput::trace).toList())
                        .isEqualTo(single.outputs().samples().stream().map(SampleOutput::trace).toList());
            }
            // The cells whose plans were ready were decoded with the first (none-matched waits for static's decode).
            assertThat(cells.subList(1, 4).stream().map(c -> together.decode(c).shared()).toList())
                    .containsOnly(true);
        }
    }

    private static List<String> texts(List<SampleOutput> samples) {
        return samples.stream().map(SampleOutput::rawOutput).toList();
    }
}
