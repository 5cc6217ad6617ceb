package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.suite.PaperClaim.Direction;

class ComparisonsTest {

    @Test
    void a1ComparesEachPmpdSchedulerWithEverySevenBaselinesPlusTwoPremisesPerTaskAndPair() {
        List<Comparison> a1 = Comparisons.of(Grid.design(), Ablation.REMOVE_PRECISION_SWITCHING);
        assertThat(a1).hasSize(3 * 2 * (2 * 7 + 2));
        assertThat(a1).allMatch(c -> c.system().task() == c.baseline().task()
                && c.system().pair().equals(c.baseline().pair()));
        // Each scheduler is held against the mix at its own bits.
        assertThat(a1).filteredOn(c -> c.baseline().scheduler().startsWith("matched-")).hasSize(3 * 2 * 2)
                .allMatch(c -> c.baseline().scheduler().equals("matched-" + c.system().scheduler())
                        && c.claim().direction() == Direction.HIGHER);
    }

    @Test
    void a2ComparesAnyPrecisionWithEachOtherBackboneUnderTheSameScheduleAndClaimsLessMemory() {
        List<Comparison> a2 = Comparisons.of(Grid.design(), Ablation.REPLACE_PTQ_METHOD);
        assertThat(a2).hasSize(3 * 2 * 3 * 3);
        assertThat(a2).allMatch(c -> c.system().backbone().equals("any-precision")
                && c.system().scheduler().equals(c.baseline().scheduler())
                && c.memoryClaim().direction() == Direction.LOWER);
        assertThat(a2.get(0).displayName()).isEqualTo("debsum · 4>3 · any-precision vs gptq (static)");
    }

    @Test
    void agreementFollowsTheClaimedDirection() {
        assertThat(Direction.HIGHER.agreement(0.1, 0.05, 0.2)).isEqualTo("yes");
        assertThat(Direction.HIGHER.agreement(-0.1, -0.2, 0.01)).isEqualTo("no");
        assertThat(Direction.LOWER.agreement(-3, -3, -3)).isEqualTo("yes");
        assertThat(Direction.COMPARABLE.agreement(0.01, -0.02, 0.04)).isEqualTo("yes");
        assertThat(Direction.COMPARABLE.agreement(0.05, 0.02, 0.08)).isEqualTo("no");
        assertThat(Direction.NONE.agreement(1, 1, 1)).isEqualTo("n/a");
    }

    @Test
    void aFindingCarriesThePairedBootstrapIntervalOfEveryMetricAndMemoryWhereClaimed() {
        FakeCellRunner r = new FakeCellRunner(30, java.util.Map.of("static", 0.9), java.util.Set.of("any-precision",
                "gptq"), 0);
        Cell ap = new Cell(Ablation.REPLACE_PTQ_METHOD, org.pmpdrepro.data.Task.DEBSUM, "any-precision",
                new BitWidthPair(4, 3), "static");
        Cell gptq = new Cell(Ablation.REPLACE_PTQ_METHOD, ap.task(), "gptq", ap.pair(), "static");
        Comparison c = Comparisons.of(new Grid(List.of(ap, gptq)), Ablation.REPLACE_PTQ_METHOD).get(0);
        List<Finding> f = FindingsAnalysis.defaults().analyse(c, r.run(gptq), r.run(ap));
        assertThat(f).extracting(Finding::metric).containsExactly("rougeL", "bertscore", "bleu", "sacrebleu",
                Finding.RESIDENT_BYTES);
        assertThat(f.subList(0, 4)).allSatisfy(x -> {
            assertThat(x.difference()).isZero();
            assertThat(x.significant()).isFalse();
            assertThat(x.agrees()).isEqualTo("n/a");
        });
        assertThat(f.get(4).difference()).isEqualTo(-3000);
        assertThat(f.get(4).agrees()).isEqualTo("yes");
    }
}
