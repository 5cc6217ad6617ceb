package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A sacrebleu 2.x BLEU configuration. {@link #defaults()} is sacrebleu's {@code BLEU()}: 13a, mixed case,
 * exp smoothing, order 4, no effective order.
 *
 * @param smoothValue the value of {@code floor}/{@code add-k} (NaN selects sacrebleu's default; ignored,
 *     and stored as NaN, for {@code exp} and {@code none}, as sacrebleu ignores it)
 */
public record SacreBleuConfig(BleuTokenizer tokenizer, boolean lowercase, Smoothing smoothing, double smoothValue,
        int maxNgramOrder, boolean effectiveOrder) implements BleuFormula {

    /** The sacrebleu release whose semantics this implementation follows (printed in the signature). */
    public static final String SACREBLEU_VERSION = "2.6.0";

    public SacreBleuConfig {
        if (maxNgramOrder < 1) {
            throw new IllegalArgumentException("max_ngram_order must be a positive integer, got " + maxNgramOrder);
        }
        if (!smoothing.takesValue()) {
            smoothValue = Double.NaN;
        } else if (Double.isNaN(smoothValue)) {
            smoothValue = smoothing.defaultValue();
        } else if (!(smoothValue > 0) || Double.isInfinite(smoothValue)) {
            throw new IllegalArgumentException("smooth_value for " + smoothing.label()
                    + " must be a positive finite number, got " + smoothValue);
        }
    }

    public static SacreBleuConfig defaults() {
        return new SacreBleuConfig(BleuTokenizer.THIRTEEN_A, false, Smoothing.EXP, Double.NaN, 4, false);
    }

    public SacreBleuConfig withTokenizer(BleuTokenizer t) {
        return new SacreBleuConfig(t, lowercase, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
    }

    public SacreBleuConfig withLowercase(boolean lc) {
        return new SacreBleuConfig(tokenizer, lc, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
    }

    /** Sets the method; the value falls back to the method's default. */
    public SacreBleuConfig withSmoothing(Smoothing s) {
        return new SacreBleuConfig(tokenizer, lowercase, s, Double.NaN, maxNgramOrder, effectiveOrder);
    }

    /** Sets the method and its value, which must be a number: NaN is refused rather than read as the default. */
    public SacreBleuConfig withSmoothing(Smoothing s, double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("smooth_value for " + s.label() + " is NaN; expected a positive finite"
                    + " number (or no value, for the method's default)");
        }
        return new SacreBleuConfig(tokenizer, lowercase, s, value, maxNgramOrder, effectiveOrder);
    }

    public SacreBleuConfig withMaxNgramOrder(int order) {
        return new SacreBleuConfig(tokenizer, lowercase, smoothing, smoothValue, order, effectiveOrder);
    }

    public SacreBleuConfig withEffectiveOrder(boolean eff) {
        return new SacreBleuConfig(tokenizer, lowercase, smoothing, smoothValue, maxNgramOrder, eff);
    }

    @Override
    public int maxOrder() {
        return maxNgramOrder;
    }

    /** sacrebleu's preprocessing of a segment: optional lower-casing, right strip, tokenisation. */
    List<String> preprocess(String segment) {
        String s = lowercase ? PyText.lower(segment) : segment;
        return tokenizer.tokenize(PyText.rstrip(s));
    }

    /**
     * The signature sacrebleu 2.x prints, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+pmpd}.
     * sacrebleu leaves the n-gram order out; it is added as {@code order:N} only when it is not 4, so that
     * the default signature reads exactly like sacrebleu's.
     *
     * @param nrefs references per segment, or -1 when segments have different numbers ({@code var})
     */
    public String signature(int nrefs) {
        String smooth = smoothing.label();
        if (smoothing.takesValue()) {
            smooth += "[" + PyText.fixed(smoothValue, 2) + "]";
        }
        List<String> parts = new ArrayList<>();
        parts.add("nrefs:" + (nrefs < 0 ? "var" : Integer.toString(nrefs)));
        parts.add("case:" + (lowercase ? "lc" : "mixed"));
        parts.add("eff:" + (effectiveOrder ? "yes" : "no"));
        parts.add("tok:" + tokenizer.signature());
        parts.add("smooth:" + smooth);
        if (maxNgramOrder != 4) {
            parts.add("order:" + maxNgramOrder);
        }
        parts.add("version:" + SACREBLEU_VERSION + "+pmpd");
        return String.join("|", parts);
    }

    /** sacrebleu's {@code BLEU.compute_bleu}: smoothing, effective order, brevity penalty; 0-100 scale. */
    @Override
    public BleuScore compute(NgramStatistics stats) {
        if (stats.maxOrder() != maxNgramOrder) {
            throw new IllegalArgumentException("statistics carry " + stats.maxOrder() + " n-gram orders, the configuration "
                    + maxNgramOrder);
        }
        int sysLen = stats.hypLength();
        int refLen = stats.refLength();
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0) : 1.0;
        List<Integer> counts = toList(stats.matches());
        List<Integer> totals = toList(stats.totals());
        double[] precisions = new double[maxNgramOrder];
        boolean anyMatch = counts.stream().anyMatch(c -> c != 0);
        if (!anyMatch) {
            return new BleuScore(0.0, boxed(precisions), bp, sysLen, refLen, counts, totals);
        }
        double smoothMteval = 1.0;
        int effOrder = maxNgramOrder;
        for (int n = 1; n <= maxNgramOrder; n++) {
            double correct = stats.match(n);
            double total = stats.total(n);
            if (smoothing == Smoothing.ADD_K && n > 1) {
                correct += smoothValue;
                total += smoothValue;
            }
            if (total == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (correct == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothValue / total;
                }
            } else {
                precisions[n - 1] = 100.0 * correct / total;
            }
        }
        double logSum = 0;
        for (int i = 0; i < effOrder; i++) {
            logSum += precisions[i] == 0 ? -9999999999.0 : Math.log(precisions[i]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, boxed(precisions), bp, sysLen, refLen, counts, totals);
    }

    static List<Integer> toList(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int v : a) {
            out.add(v);
        }
        return out;
    }

    static List<Double> boxed(double[] a) {
        List<Double> out = new ArrayList<>(a.length);
        for (double v : a) {
            out.add(v);
        }
        return out;
    }
}
