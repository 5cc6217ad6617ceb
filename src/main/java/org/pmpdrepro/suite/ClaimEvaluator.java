package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.pmpdrepro.metrics.Holm;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * Evaluates an ablation's claim instances as {@code golden/CLAIMS.md} pre-registers: per instance the paired
 * bootstrap of {@code δ = system − baseline} on the headline metric, one-sided tests of the criterion and of its
 * opposite at 0.025, Holm within the ablation's family of quality instances (separately for the criterion's and the
 * contradiction's tests), the equal-bytes condition of A2, and the verdict.
 */
public final class ClaimEvaluator {

    /** One-sided level of each test (the bound of a two-sided 95% interval). */
    public static final double ALPHA = 0.025;
    /** A2's quality claims compare back-bones only when their weight bytes per token agree this closely. */
    public static final double EQUAL_BYTES_TOLERANCE = 0.03;

    private final PairedBootstrap.Config bootstrap;

    public ClaimEvaluator(PairedBootstrap.Config bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The raw evidence of one instance, before the family's adjustment. */
    private record Raw(ClaimInstance instance, double systemValue, double baselineValue,
            PairedBootstrap.Result difference, double gap, double threshold, double pCriterion,
            double pContradiction, double systemBytes, double baselineBytes, String unfair) {}

    /**
     * The results of {@code instances} (all of one ablation), in their order.
     *
     * @param outcome each cell's outcome (arms and gap cells), run on demand
     * @param familySize how many quality instances the whole family has in the grid; at least as many as are given
     */
    public List<ClaimResult> evaluate(List<ClaimInstance> instances, Function<Cell, CellOutcome> outcome,
            int familySize) {
        List<Raw> quality = new ArrayList<>();
        List<ClaimResult> out = new ArrayList<>();
        for (ClaimInstance i : instances) {
            if (i.notRun().isEmpty() && i.claim().quality()) {
                quality.add(raw(i, outcome));
            }
        }
        if (quality.size() > familySize) {
            throw new IllegalArgumentException(quality.size() + " quality claim instances, but a family of "
                    + familySize);
        }
        double[] crit = Holm.adjust(quality.stream().mapToDouble(Raw::pCriterion).toArray(), familySize);
        double[] contra = Holm.adjust(quality.stream().mapToDouble(Raw::pContradiction).toArray(), familySize);
        int q = 0;
        for (ClaimInstance i : instances) {
            if (i.notRun().isPresent()) {
                out.add(ClaimResult.notRun(i));
            } else if (!i.claim().quality()) {
                out.add(memory(i, outcome));
            } else {
                out.add(judge(quality.get(q), crit[q], contra[q], quality.size(), familySize));
                q++;
            }
        }
        return out;
    }

    private Raw raw(ClaimInstance i, Function<Cell, CellOutcome> outcome) {
        String metric = i.metric();
        CellOutcome sys = outcome.apply(i.system());
        CellOutcome base = outcome.apply(i.baseline());
        PairedBootstrap.Differences d = PairedBootstrap.resample(base.metric(metric), sys.metric(metric), bootstrap);
        double gap = Double.NaN;
        double threshold = 0;
        String unfair = "";
        if (i.claim().margin().needsGap()) {
            gap = outcome.apply(i.gapHigh()).value(metric) - outcome.apply(i.gapLow()).value(metric);
            threshold = -i.claim().margin().gapFraction() * gap;
            if (!(gap > 0)) {
                unfair = String.format(Locale.ROOT, "the high-low gap %.4g is not positive, so the margin is"
                        + " undefined", gap);
            }
        }
        if (i.claim().ablation() == Ablation.REPLACE_PTQ_METHOD) {
            double rel = Math.abs(sys.bytesPerToken() - base.bytesPerToken()) / base.bytesPerToken();
            if (!Double.isFinite(rel)) {
                unfair = join(unfair, "a back-bone cannot account for its weight bytes per token, so equal bytes"
                        + " cannot be shown");
            } else if (rel > EQUAL_BYTES_TOLERANCE) {
                unfair = join(unfair, String.format(Locale.ROOT, "bytes differ by %.1f%% (%.0f against %.0f weight"
                        + " bytes per token; equal bytes means within %.0f%%)", 100 * rel, sys.bytesPerToken(),
                        base.bytesPerToken(), 100 * EQUAL_BYTES_TOLERANCE));
            }
        }
        // An instance whose margin is undefined still belongs to the family; it counts with p = 1 (cannot reject).
        boolean undefined = i.claim().margin().needsGap() && !(gap > 0);
        double pCrit = undefined ? 1.0 : d.pAtMost(threshold);
        double pContra = undefined ? 1.0 : d.pAtLeast(threshold);
        return new Raw(i, sys.value(metric), base.value(metric), d.result(), gap, threshold, pCrit, pContra,
                sys.bytesPerToken(), base.bytesPerToken(), unfair);
    }

    private static ClaimResult judge(Raw r, double critHolm, double contraHolm, int present, int familySize) {
        ClaimVerdict verdict;
        String reason;
        PairedBootstrap.Result d = r.difference();
        if (!r.unfair().isEmpty()) {
            verdict = ClaimVerdict.INCONCLUSIVE;
            reason = "inconclusive: " + r.unfair();
        } else if (critHolm < ALPHA) {
            verdict = ClaimVerdict.SUPPORTED;
            reason = String.format(Locale.ROOT, "supported: δ is shown to exceed %.4g (Holm-adjusted p = %.3g < %s)",
                    r.threshold(), critHolm, ALPHA);
        } else if (contraHolm < ALPHA) {
            verdict = ClaimVerdict.CONTRADICTED;
            reason = String.format(Locale.ROOT, "contradicted: δ is shown to fall below %.4g (Holm-adjusted p ="
                    + " %.3g < %s)", r.threshold(), contraHolm, ALPHA);
        } else {
            verdict = ClaimVerdict.INCONCLUSIVE;
            reason = String.format(Locale.ROOT, "inconclusive: neither side of %.4g is shown (Holm-adjusted p = %.3g"
                    + " and %.3g; the minimum detectable effect is %.3g)", r.threshold(), critHolm, contraHolm,
                    PairedBootstrap.MDE_FACTOR * d.standardError());
        }
        return new ClaimResult(r.instance(), verdict, reason, r.systemValue(), r.baselineValue(),
                d.observedDifference(), d.ciLower(), d.ciUpper(), d.standardError(), r.gap(), r.threshold(),
                r.pCriterion(), critHolm, r.pContradiction(), contraHolm, r.systemBytes(), r.baselineBytes(),
                present, familySize);
    }

    private static ClaimResult memory(ClaimInstance i, Function<Cell, CellOutcome> outcome) {
        double sys = outcome.apply(i.system()).residentBytes();
        double base = outcome.apply(i.baseline()).residentBytes();
        double diff = sys - base;
        ClaimVerdict verdict;
        String reason;
        if (Double.isNaN(diff)) {
            verdict = ClaimVerdict.INCONCLUSIVE;
            reason = "inconclusive: a back-bone cannot account for its resident bytes";
        } else if (sys < base) {
            verdict = ClaimVerdict.SUPPORTED;
            reason = String.format(Locale.ROOT, "supported: %.0f < %.0f resident bytes", sys, base);
        } else {
            verdict = ClaimVerdict.CONTRADICTED;
            reason = String.format(Locale.ROOT, "contradicted: %.0f >= %.0f resident bytes", sys, base);
        }
        double nan = Double.NaN;
        return new ClaimResult(i, verdict, reason, sys, base, diff, diff, diff, 0, nan, 0, nan, nan, nan, nan, nan,
                nan, 0, 0);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }
}
