package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.metrics.Holm;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * Turns a comparison's two outcomes into findings (one per metric, plus memory where the paper claims it), and an
 * ablation's findings into conclusions: Holm over the family of headline findings, and agreement with the paper only
 * for a significant effect in the claimed direction or a shown non-inferiority (a pre-registered claim's verdict
 * where one covers the comparison), otherwise {@code inconclusive}.
 */
public final class FindingsAnalysis {

    /** Two-sided level of the headline family (each side 0.025, as the claims' one-sided tests). */
    public static final double ALPHA_TWO_SIDED = 0.05;

    private final PairedBootstrap.Config bootstrap;

    public FindingsAnalysis(PairedBootstrap.Config bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** 10,000 resamples, seed 12345. */
    public static FindingsAnalysis defaults() {
        return new FindingsAnalysis(PairedBootstrap.Config.defaults());
    }

    /** The comparison's findings before the family's adjustment ({@code pHolm} NaN, agreement {@code pending}). */
    public List<Finding> analyse(Comparison c, CellOutcome baseline, CellOutcome system) {
        if (!baseline.cell().equals(c.baseline()) || !system.cell().equals(c.system())) {
            throw new IllegalArgumentException("outcomes of " + baseline.cell().id() + " and " + system.cell().id()
                    + " do not belong to comparison " + c.id());
        }
        String headline = SuiteMetrics.headline(c.system().task());
        List<Finding> out = new ArrayList<>();
        for (String metric : SuiteMetrics.ALL) {
            MetricResult b = baseline.metric(metric);
            MetricResult s = system.metric(metric);
            PairedBootstrap.Result r = PairedBootstrap.compare(b, s, bootstrap);
            Finding.Role role = metric.equals(headline) ? Finding.Role.HEADLINE
                    : metric.equals(SuiteMetrics.DUPLICATE_OF_SACREBLEU) ? Finding.Role.DUPLICATE
                    : Finding.Role.SECONDARY;
            out.add(new Finding(c, metric, role, r.baselineScore(), r.systemScore(), r.observedDifference(),
                    r.ciLower(), r.ciUpper(), r.standardError(), r.pValue(), Double.NaN, c.claim(), "pending", "",
                    r.samples(), r.signatureWithBootstrap()));
        }
        if (c.memoryClaim().direction() != PaperClaim.Direction.NONE) {
            double b = baseline.residentBytes();
            double s = system.residentBytes();
            double d = s - b;
            out.add(new Finding(c, Finding.RESIDENT_BYTES, Finding.Role.EXACT, b, s, d, d, d, 0, Double.NaN,
                    Double.NaN, c.memoryClaim(), "pending", "", system.sampleCount(),
                    "exact (quantized matrices only)"));
        }
        return out;
    }

    /**
     * The ablation's findings concluded: headline p-values Holm-adjusted over all of them, each finding's agreement
     * with the paper, and the verdict of the claim that covers it.
     *
     * @param claims the ablation's evaluated claim instances, by their arms' cells
     */
    public static List<Finding> conclude(List<Finding> findings, Map<List<Cell>, List<ClaimResult>> claims) {
        List<Integer> family = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            if (findings.get(i).role() == Finding.Role.HEADLINE) {
                family.add(i);
            }
        }
        double[] adjusted = Holm.adjust(family.stream().mapToDouble(i -> findings.get(i).pValue()).toArray());
        double[] holm = new double[findings.size()];
        java.util.Arrays.fill(holm, Double.NaN);
        for (int k = 0; k < family.size(); k++) {
            holm[family.get(k)] = adjusted[k];
        }
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            List<ClaimResult> covering = covering(f, claims);
            String verdicts = String.join("; ", covering.stream()
                    .map(r -> r.instance().claim().id() + ": " + r.verdict().id()).toList());
            out.add(f.adjusted(holm[i], agreement(f, holm[i], covering), verdicts));
        }
        return out;
    }

    /** The claims whose arms are the finding's and whose metric is the finding's. */
    private static List<ClaimResult> covering(Finding f, Map<List<Cell>, List<ClaimResult>> claims) {
        List<ClaimResult> all = claims.getOrDefault(List.of(f.comparison().system(), f.comparison().baseline()),
                List.of());
        return all.stream().filter(r -> r.instance().claim().quality() ? f.role() == Finding.Role.HEADLINE
                : f.metric().equals(Finding.RESIDENT_BYTES)).toList();
    }

    static String agreement(Finding f, double holm, List<ClaimResult> covering) {
        PaperClaim.Direction direction = f.claim().direction();
        if (f.role() == Finding.Role.SECONDARY || f.role() == Finding.Role.DUPLICATE) {
            return "n/a";
        }
        // A pre-registered claim decides: its test, margin and family were fixed before the run.
        for (ClaimResult r : covering) {
            switch (r.verdict()) {
                case SUPPORTED -> {
                    return "yes";
                }
                case CONTRADICTED -> {
                    return "no";
                }
                default -> {
                    // keep looking: another claim on the same arms may be decided
                }
            }
        }
        if (!covering.isEmpty()) {
            return "inconclusive";
        }
        if (direction == PaperClaim.Direction.NONE) {
            return "n/a";
        }
        if (f.role() == Finding.Role.EXACT) {
            boolean lower = f.difference() < 0;
            boolean higher = f.difference() > 0;
            return switch (direction) {
                case LOWER -> lower ? "yes" : "no";
                case HIGHER -> higher ? "yes" : "no";
                default -> "n/a";
            };
        }
        // Without a margin, "comparable" cannot be shown; only a significant effect in the claimed direction agrees.
        if (direction == PaperClaim.Direction.COMPARABLE || !(holm < ALPHA_TWO_SIDED)) {
            return "inconclusive";
        }
        boolean claimedHigher = direction == PaperClaim.Direction.HIGHER;
        return (f.difference() > 0) == claimedHigher ? "yes" : "no";
    }
}
