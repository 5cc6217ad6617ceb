package org.pmpdrepro.metrics;

import java.util.Arrays;

/** sacrebleu's smoothing methods (Chen and Cherry, WMT 2014), by their sacrebleu names. */
public enum Smoothing {
    /** No smoothing: a zero precision makes BLEU zero. */
    NONE("none", Double.NaN),
    /** Method 1: a zero match count is replaced by a small floor value. */
    FLOOR("floor", 0.1),
    /** Method 2: k is added to matches and totals of orders above one. */
    ADD_K("add-k", 1),
    /** Method 3, NIST's geometric decay used by mteval-v13a; sacrebleu's default. */
    EXP("exp", Double.NaN);

    private final String label;
    private final double defaultValue;

    Smoothing(String label, double defaultValue) {
        this.label = label;
        this.defaultValue = defaultValue;
    }

    public String label() {
        return label;
    }

    /** Whether the method takes a value ({@code floor} and {@code add-k}). */
    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }

    public double defaultValue() {
        return defaultValue;
    }

    public static Smoothing byName(String name) {
        for (Smoothing s : values()) {
            if (s.label.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown smoothing method '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Smoothing::label).toList());
    }
}
