package org.pmpdrepro.pmpd;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.QuantizedModel;

/**
 * The fixed decode precision nearest to the average bit-width PMPD reached: a back-bone's mixed per-layer policy
 * when it publishes any ({@link QuantizedModel#policies()}), else the nearest uniform width it serves (ties go to
 * the wider one, the side that does not flatter PMPD).
 *
 * @param kind {@code policy} or {@code uniform}
 */
public record MatchedPrecision(double target, Precision precision, String kind) {

    public MatchedPrecision {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(kind, "kind");
    }

    public static MatchedPrecision nearest(QuantizedModel model, double target) {
        if (!(target > 0)) {
            throw new IllegalArgumentException("matched precision: target average bits " + target
                    + " is not positive (did the PMPD run decode anything?)");
        }
        Precision best = null;
        String kind = "uniform";
        for (Map.Entry<String, BitPolicy> e : model.policies().entrySet()) {
            Precision p = e.getValue().precision(model.config());
            if (best == null || Math.abs(p.averageBits() - target) < Math.abs(best.averageBits() - target)) {
                best = p;
                kind = "policy";
            }
        }
        if (best == null) {
            for (int b : model.bitWidths()) {
                Precision p = Precision.bits(b);
                double gap = Math.abs(b - target);
                if (best == null || gap <= Math.abs(best.averageBits() - target)) {
                    best = p;
                }
            }
        }
        return new MatchedPrecision(target, best, kind);
    }

    public String describe() {
        return String.format(Locale.ROOT, "decode at %s (%s, %.3f bits) matching PMPD's %.3f average bits", precision,
                kind.equals("policy") ? "mixed per-layer policy" : "nearest uniform width", precision.averageBits(),
                target);
    }
}
