package org.pmpdrepro.quant.haq;

import java.util.Locale;

/**
 * How HAQ quantizes one matrix at the bit-width its policy gives it. Both are per output row and keep an fp16
 * table per row; they differ in what the table holds.
 */
public enum QuantScheme {
    /** 1-D k-means per row with {@code 2^bits} centroids: the original's scheme for model-size budgets. */
    KMEANS,
    /** Uniform min-max round-to-nearest per row (fp16 offset and scale), the same grid as {@code quant.rtn}. */
    LINEAR;

    /** fp16 table entries one row keeps at {@code bits}. */
    long tableEntriesPerRow(int bits) {
        return switch (this) {
            case KMEANS -> 1L << bits;
            case LINEAR -> 2L;
        };
    }

    /** The lower-case name used on the command line and in stored artefacts. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scheme named {@code id} ({@code kmeans} or {@code linear}); anything else is an error naming it. */
    public static QuantScheme parse(String id) {
        for (QuantScheme s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("quantization scheme '" + id + "'; expected kmeans or linear");
    }
}
