package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.suite.PaperClaim.Direction;

@Tag("unit")
class ComparisonsTest {

    @Test
    void a1ComparesStaticWithSevenArmsLearnedWithFourAndTwoPremisesPerTaskAndPair() {
        List<Comparison> a1 = Comparisons.of(Grid.design(), Ablation.REMOVE_PRECISION_SWITCHING);
        // static: none-high, none-low, phase-aware-only, its matched mix and the three baselines fitted to its bits;
        // learned: the first three and its matched mix; the two premises.
        assertThat(a1).hasSize(3 * 2 * (7 + 4 + 2));
        assertThat(a1).filteredOn(c -> c.system().scheduler().equals("learned"))
                .noneMatch(c -> c.baseline().scheduler().endsWith("-matched"));
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
        // Any-Precision against GPTQ, HAQ and Bit-Mixer under each of three schedules, and its static schedule
        // against Bit-Mixer's own per-group mix at Bit-Mixer's static bits; 3 tasks x 2 pairs.
        assertThat(a2).hasSize(3 * 2 * (3 * 3 + 1));
        assertThat(a2).allMatch(c -> c.system().backbone().equals("any-precision"));
        assertThat(a2).filteredOn(c -> c.baseline().scheduler().equals("matched-static"))
                .extracting(Comparison::displayName)
                .contains("debsum · 4>3 · any-precision static vs bit-mixer matched-static");
        assertThat(a2).filteredOn(c -> c.baseline().scheduler().equals("matched-static")).hasSize(6)
                .allMatch(c -> c.baseline().backbone().equals("bit-mixer") && c.system().scheduler().equals("static")
                        && c.memoryClaim().direction() == Direction.NONE);
        assertThat(a2).filteredOn(c -> !c.baseline().scheduler().equals("matched-static"))
                .allMatch(c -> c.system().scheduler().equals(c.baseline().scheduler())
                        && c.memoryClaim().direction() == Direction.LOWER);
        assertThat(a2.get(0).displayName()).isEqualTo("debsum · 4>3 · any-precision vs gptq (static)");
    }

    @Test
    void a1ComparesTheMatchedArmsOnlyWithTheSchedulerTheyWereMatchedTo() {
        BitWidthPair pair = new BitWidthPair(3, 2);
        List<Cell> cells = new java.util.ArrayList<>();
        for (String s : List.of("static", "learned", "matched-static", "matched-learned", "confidence-matched")) {
            cells.add(new Cell(Ablation.REMOVE_PRECISION_SWITCHING, org.pmpdrepro.data.Task.DEBCHAT, "any-precision",
                    pair, s));
        }
        List<Comparison> a1 = Comparisons.of(new Grid(cells), Ablation.REMOVE_PRECISION_SWITCHING);
        assertThat(a1).extracting(c -> c.system().scheduler() + " vs " + c.baseline().scheduler())
                .containsExactlyInAnyOrder("static vs matched-static", "static vs confidence-matched",
                        "learned vs matched-learned");
    }

    /** A finding concluded with Holm-adjusted p-value {@code holm}. */
    static String agreement(PaperClaim.Direction direction, Finding.Role role, double difference, double holm,
            List<ClaimResult> covering) {
        Cell a = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, org.pmpdrepro.data.Task.DEBSUM, "any-precision",
                new BitWidthPair(4, 3), "static");
        Cell b = new Cell(a.ablation(), a.task(), a.backbone(), a.pair(), "none-low");
        Comparison c = new Comparison(a.ablation(), b, a, new PaperClaim(direction, "claim"),
                new PaperClaim(Direction.NONE, ""));
        Finding f = new Finding(c, "rougeL", role, 0, difference, difference, difference - 0.01, difference + 0.01,
                0.005, 0.01, Double.NaN, c.claim(), "pending", "", 10, "sig");
        return FindingsAnalysis.agreement(f, holm, covering);
    }

    @Test
    void agreementNeedsASignificantEffectInTheClaimedDirectionAfterHolm() {
        assertThat(agreement(Direction.HIGHER, Finding.Role.HEADLINE, 0.1, 0.01, List.of())).isEqualTo("yes");
        assertThat(agreement(Direction.HIGHER, Finding.Role.HEADLINE, -0.1, 0.01, List.of())).isEqualTo("no");
        // Raw p would be significant, the family's adjustment is not: not agreement, and not disagreement either.
        assertThat(agreement(Direction.HIGHER, Finding.Role.HEADLINE, 0.1, 0.2, List.of())).isEqualTo("inconclusive");
        // "Comparable" needs a margin: without a pre-registered claim it cannot be shown.
        assertThat(agreement(Direction.COMPARABLE, Finding.Role.HEADLINE, 0.0, 1.0, List.of()))
                .isEqualTo("inconclusive");
        assertThat(agreement(Direction.HIGHER, Finding.Role.SECONDARY, 0.1, Double.NaN, List.of())).isEqualTo("n/a");
        assertThat(agreement(Direction.HIGHER, Finding.Role.DUPLICATE, 0.1, Double.NaN, List.of())).isEqualTo("n/a");
        assertThat(agreement(Direction.NONE, Finding.Role.HEADLINE, 0.1, 0.01, List.of())).isEqualTo("n/a");
        assertThat(agreement(Direction.LOWER, Finding.Role.EXACT, -3, Double.NaN, List.of())).isEqualTo("yes");
    }

    @Test
    void aFindingCarriesThePairedBootstrapIntervalOfEveryMetricAndMemoryWhereClaimed() {
        FakeCellRunner r = new FakeCellRunner(30, java.util.Map.of("static", 0.9), java.util.Set.of("any-precision",
                "gptq"), 0);
        Cell ap = new Cell(Ablation.REPLACE_PTQ_METHOD, org.pmpdrepro.data.Task.DEBSUM, "any-precision",
                new BitWidthPair(4, 3), "static");
        Cell gptq = new Cell(Ablation.REPLACE_PTQ_METHOD, ap.task(), "gptq", ap.pair(), "static");
        Comparison c = Comparisons.of(new Grid(List.of(ap, gptq)), Ablation.REPLACE_PTQ_METHOD).get(0);
        List<Finding> f = FindingsAnalysis.conclude(new FindingsAnalysis(new org.pmpdrepro.metrics.PairedBootstrap
                .Config(500, 3)).analyse(c, r.run(gptq), r.run(ap)), java.util.Map.of());
        assertThat(f).extracting(Finding::metric).containsExactly("rougeL", "bertscore", "bleu", "sacrebleu",
                Finding.RESIDENT_BYTES);
        assertThat(f).extracting(Finding::role).containsExactly(Finding.Role.HEADLINE, Finding.Role.SECONDARY,
                Finding.Role.DUPLICATE, Finding.Role.SECONDARY, Finding.Role.EXACT);
        assertThat(f.subList(0, 4)).allSatisfy(x -> {
            assertThat(x.difference()).isZero();
            assertThat(x.intervalExcludesZero()).isFalse();
            assertThat(x.pValue()).isEqualTo(1.0);
            assertThat(x.agrees()).isEqualTo("n/a");
        });
        assertThat(f.get(0).pHolm()).isEqualTo(1.0);
        assertThat(f.get(1).pHolm()).isNaN();
        assertThat(f.get(4).difference()).isEqualTo(-3000);
        assertThat(f.get(4).agrees()).isEqualTo("yes");
    }
}
