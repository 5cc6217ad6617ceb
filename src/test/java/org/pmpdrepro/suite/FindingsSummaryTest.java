package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

@Tag("unit")
class FindingsSummaryTest {

    @Test
    void a2ListsEachCellsBitsAndBytesBesideAnyPrecisionsOfTheSameTaskPairAndScheduler() {
        FakeCellRunner runner = new FakeCellRunner(4, Map.of(), Set.of("any-precision", "gptq"), 0);
        runner.bytesPerToken.put("any-precision", 1000.0);
        runner.bytesPerToken.put("gptq", 985.0);
        BitWidthPair pair = new BitWidthPair(4, 3);
        List<CellOutcome> outcomes = List.of(
                runner.run(new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "any-precision", pair, "static")),
                runner.run(new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "gptq", pair, "static")),
                runner.run(new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision", pair,
                        "none-high")));

        String a2 = FindingsSummary.bytes(Ablation.REPLACE_PTQ_METHOD, outcomes);

        assertThat(a2).contains("| back-bone scheduler | debsum 4>3 |")
                .contains("| any-precision static | 3.500 b · 1,000 B |")
                .contains("| gptq static | 3.500 b · 985 B (-1.5%) |")
                .doesNotContain("none-high");
        assertThat(FindingsSummary.bytes(Ablation.REMOVE_PRECISION_SWITCHING, outcomes)).isEmpty();
    }
}
