package org.pmpdrepro.suite;

import java.util.Locale;
import java.util.Objects;

/**
 * One pre-registered claim of an ablation ({@code golden/claims.csv}, explained in {@code golden/CLAIMS.md}): a
 * system arm against a baseline arm, a criterion and its margin. A1's arms are schedulers, A2's are back-bones
 * under the {@code static} scheduler.
 *
 * @param id e.g. {@code a1-static-keeps-high}
 * @param statement what the claim says, in words
 */
public record Claim(String id, Ablation ablation, String system, String baseline, Measure measure,
        Criterion criterion, Margin margin, String statement) {

    /** What a claim measures. */
    public enum Measure {
        /** The task's headline metric ({@link SuiteMetrics#headline}). */
        HEADLINE("headline"),
        /** Weight bytes resident to serve both widths of the pair, an exact count. */
        RESIDENT_BYTES("resident_bytes");

        private final String id;

        Measure(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Measure parse(String v) {
            for (Measure m : values()) {
                if (m.id.equals(v.strip())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown measure");
        }
    }

    /** When a claim is supported. */
    public enum Criterion {
        /** The system loses less than the margin: the test of {@code H0: δ ≤ −margin} rejects. */
        NON_INFERIOR("non-inferior"),
        /** The system is better: the test of {@code H0: δ ≤ 0} rejects. */
        SUPERIOR("superior"),
        /** The system needs strictly fewer bytes (exact, no test). */
        LESS("less");

        private final String id;

        Criterion(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Criterion parse(String v) {
            for (Criterion c : values()) {
                if (c.id.equals(v.strip())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown criterion");
        }
    }

    /**
     * A margin: a fraction of the high–low gap on the headline metric ({@code 0.25*gap}) or zero ({@code 0}).
     *
     * @param gapFraction the fraction of the gap; 0 for a margin of zero
     */
    public record Margin(double gapFraction) {

        public Margin {
            if (!(gapFraction >= 0 && gapFraction < 1)) {
                throw new IllegalArgumentException("margin fraction " + gapFraction + ": expected 0 <= f < 1");
            }
        }

        static Margin parse(String v) {
            String s = v.strip();
            if (s.equals("0")) {
                return new Margin(0);
            }
            if (s.endsWith("*gap")) {
                return new Margin(Double.parseDouble(s.substring(0, s.length() - "*gap".length())));
            }
            throw new IllegalArgumentException("not 0 or F*gap");
        }

        public boolean needsGap() {
            return gapFraction > 0;
        }

        @Override
        public String toString() {
            return gapFraction == 0 ? "0" : String.format(Locale.ROOT, "%s*gap", gapFraction);
        }
    }

    public Claim {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ablation, "ablation");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(margin, "margin");
        Objects.requireNonNull(statement, "statement");
        boolean consistent = switch (criterion) {
            case NON_INFERIOR -> measure == Measure.HEADLINE && margin.needsGap();
            case SUPERIOR -> measure == Measure.HEADLINE && !margin.needsGap();
            case LESS -> measure == Measure.RESIDENT_BYTES && !margin.needsGap();
        };
        if (!consistent) {
            throw new IllegalArgumentException("claim " + id + ": criterion " + criterion.id() + " with measure "
                    + measure.id() + " and margin " + margin + "; expected non-inferior on headline with F*gap,"
                    + " superior on headline with 0, or less on resident_bytes with 0");
        }
    }

    /** Whether the claim is about quality (tested, in the ablation's Holm family) rather than exact memory. */
    public boolean quality() {
        return measure == Measure.HEADLINE;
    }
}
