package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PairedBootstrap;

/** Turns a comparison's two outcomes into findings: one per metric, plus memory where the paper claims it. */
public final class FindingsAnalysis {

    private final PairedBootstrap.Config bootstrap;

    public FindingsAnalysis(PairedBootstrap.Config bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** sacrebleu's defaults: 1000 resamples, seed 12345. */
    public static FindingsAnalysis defaults() {
        return new FindingsAnalysis(PairedBootstrap.Config.defaults());
    }

    public List<Finding> analyse(Comparison c, CellOutcome baseline, CellOutcome system) {
        if (!baseline.cell().equals(c.baseline()) || !system.cell().equals(c.system())) {
            throw new IllegalArgumentException("outcomes of " + baseline.cell().id() + " and " + system.cell().id()
                    + " do not belong to comparison " + c.id());
        }
        List<Finding> out = new ArrayList<>();
        for (String metric : SuiteMetrics.ALL) {
            MetricResult b = baseline.metric(metric);
            MetricResult s = system.metric(metric);
            PairedBootstrap.Result r = PairedBootstrap.compare(b, s, bootstrap);
            boolean significant = r.ciLower() > 0 || r.ciUpper() < 0;
            out.add(new Finding(c, metric, c.system().task().metrics().contains(metric), r.baselineScore(),
                    r.systemScore(), r.observedDifference(), r.ciLower(), r.ciUpper(), r.pValue(), significant,
                    c.claim(), c.claim().direction().agreement(r.observedDifference(), r.ciLower(), r.ciUpper()),
                    r.samples(), r.signatureWithBootstrap()));
        }
        if (c.memoryClaim().direction() != PaperClaim.Direction.NONE) {
            double b = baseline.residentBytes();
            double s = system.residentBytes();
            double d = s - b;
            out.add(new Finding(c, Finding.RESIDENT_BYTES, false, b, s, d, d, d, Double.NaN,
                    Double.isFinite(d) && d != 0, c.memoryClaim(),
                    Double.isFinite(d) ? c.memoryClaim().direction().agreement(d, d, d) : "n/a",
                    system.sampleCount(), "exact (quantized matrices only)"));
        }
        return out;
    }
}
