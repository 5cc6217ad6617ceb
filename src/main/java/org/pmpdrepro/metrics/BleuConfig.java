package org.pmpdrepro.metrics;

/**
 * BLEU as the Hugging Face {@code evaluate} library's {@code bleu} metric computes it (the number the
 * paper reports): tensorflow/nmt's {@code compute_bleu} over 13a tokens, on a 0-1 scale, with the
 * <em>shortest</em> reference length per segment for the brevity penalty, mixed case, and optional
 * Lin-Och add-one smoothing of every order.
 */
public record BleuConfig(int maxOrder, boolean smooth) implements BleuFormula {

    public BleuConfig {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("max_order must be a positive integer, got " + maxOrder);
        }
    }

    /** {@code evaluate.load("bleu").compute(...)} with its defaults: order 4, no smoothing. */
    public static BleuConfig defaults() {
        return new BleuConfig(4, false);
    }

    public String signature(int nrefs) {
        return "nrefs:" + (nrefs < 0 ? "var" : Integer.toString(nrefs)) + "|case:mixed|tok:13a|order:" + maxOrder
                + "|smooth:" + (smooth ? "add-1" : "no") + "|bp:shortest-ref|scale:0-1|impl:evaluate-bleu";
    }

    /**
     * nmt's formula. Where the reference implementation divides by zero (no hypothesis tokens at all) the
     * score is 0 with brevity penalty 0, which is its limit; a reference side with no tokens is rejected
     * by {@link Bleu} before this point.
     */
    @Override
    public BleuScore compute(NgramStatistics stats) {
        if (stats.maxOrder() != maxOrder) {
            throw new IllegalArgumentException("statistics carry " + stats.maxOrder() + " n-gram orders, the configuration "
                    + maxOrder);
        }
        double[] precisions = new double[maxOrder];
        for (int i = 0; i < maxOrder; i++) {
            int matches = stats.match(i + 1);
            int possible = stats.total(i + 1);
            if (smooth) {
                precisions[i] = (matches + 1.0) / (possible + 1.0);
            } else {
                precisions[i] = possible > 0 ? (double) matches / possible : 0.0;
            }
        }
        double minPrecision = Double.POSITIVE_INFINITY;
        for (double p : precisions) {
            minPrecision = Math.min(minPrecision, p);
        }
        double geoMean = 0;
        if (minPrecision > 0) {
            double logSum = 0;
            for (double p : precisions) {
                logSum += (1.0 / maxOrder) * Math.log(p);
            }
            geoMean = Math.exp(logSum);
        }
        int transLen = stats.hypLength();
        int refLen = stats.refLength();
        double bp;
        if (transLen == 0) {
            bp = 0;
        } else {
            double ratio = (double) transLen / refLen;
            bp = ratio > 1.0 ? 1.0 : Math.exp(1 - 1.0 / ratio);
        }
        return new BleuScore(geoMean * bp, SacreBleuConfig.boxed(precisions), bp, transLen, refLen,
                SacreBleuConfig.toList(stats.matches()), SacreBleuConfig.toList(stats.totals()));
    }
}
