package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskScorer;

@Tag("unit")
class CellScoringTest {

    static final TaskScorer NO_BERT = new TaskScorer(TaskScorer.Config.defaults().withBertScore(false));
    static final Cell STATIC = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision",
            new BitWidthPair(4, 3), "static");
    static final Cell A2_STATIC = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "any-precision",
            new BitWidthPair(4, 3), "static");

    static DecodedCell decoded(Cell cell, String outputPrefix, double build, boolean shared) {
        List<SampleOutput> samples = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String ref = "tool number " + i + " for the package manager";
            String out = i % 2 == 0 ? ref : outputPrefix + " " + i;
            samples.add(new SampleOutput("debsum/p" + i, "prompt " + i, ref, out, out, List.of(3, 4),
                    List.of("4bit", "3bit"), true));
        }
        TaskOutputs o = new TaskOutputs(Task.DEBSUM, samples, "static 4bit>3bit {}", 32, "cpu()", 12, 2.5, 4.8, 3.0);
        return new DecodedCell(cell, o, References.dataset(o), 100, 400, build, shared);
    }

    @Test
    void anOutcomeCarriesTheDecodeItsAccountingAndTheScoresOfItsOutputsAgainstItsReferences() {
        DecodedCell d = decoded(STATIC, "something else", 7.5, false);
        CellOutcome o = new CellScoring(NO_BERT).outcome(d);
        assertThat(o.cell()).isEqualTo(STATIC);
        assertThat(o.plan()).isEqualTo("static 4bit>3bit {}");
        assertThat(o.device()).isEqualTo("cpu()");
        assertThat(o.referencesLabel()).isEqualTo(References.DATASET);
        assertThat(o.samples()).isEqualTo(d.outputs().samples());
        assertThat(o.references()).isEqualTo(d.references().texts());
        assertThat(o.averageBits()).isEqualTo(3.0);
        assertThat(o.bytesPerToken()).isEqualTo(100);
        assertThat(o.residentBytes()).isEqualTo(400);
        assertThat(o.metrics()).isEqualTo(NO_BERT.score(d.outputs(), d.references()).results());
        assertThat(o.timings().buildSeconds()).isEqualTo(7.5);
        assertThat(o.timings().decodeSeconds()).isEqualTo(2.5);
        assertThat(o.timings().decodeShared()).isFalse();
    }

    @Test
    void aSharedDecodeIsScoredOnceAndChargesNothingToTheCellThatReusedIt() {
        CellScoring scoring = new CellScoring(NO_BERT);
        CellOutcome first = scoring.outcome(decoded(STATIC, "other words", 1, false));
        CellOutcome second = scoring.outcome(decoded(A2_STATIC, "other words", 0, true));
        assertThat(second.values()).isEqualTo(first.values());
        assertThat(second.timings()).isEqualTo(new CellOutcome.Timings(0, 0, 0, true));
    }

    @Test
    void equalKeysWithDifferentOutputsAreScoredEachOnTheirOwn() {
        CellScoring scoring = new CellScoring(NO_BERT);
        CellOutcome first = scoring.outcome(decoded(STATIC, "other words", 1, false));
        // Decoded in another container, not reused: the key alone must not hand it the first one's scores.
        CellOutcome second = scoring.outcome(decoded(A2_STATIC, "tool number for the", 1, false));
        assertThat(second.value("rougeL")).isNotEqualTo(first.value("rougeL"));
    }

    @Test
    void aRerunIsScoredAfreshAndChargedItsDecode() {
        CellScoring scoring = new CellScoring(NO_BERT);
        DecodedCell d = decoded(STATIC, "other words", 3, false);
        scoring.outcome(d);
        CellOutcome rerun = scoring.rerunOutcome(d);
        assertThat(rerun.timings().buildSeconds()).isZero();
        assertThat(rerun.timings().decodeSeconds()).isEqualTo(2.5);
        assertThat(rerun.timings().decodeShared()).isFalse();
    }
}
