package org.pmpdrepro.quant;

import java.util.Locale;

/**
 * How the input columns of one output row share a uniform grid (an fp16 offset and scale) in the min-max quantizers
 * (round-to-nearest, GPTQ): the whole row, groups of a fixed number of consecutive columns, or as many groups as make
 * the side table cost what Any-Precision's centroid table costs at the same width.
 *
 * <p>The last rule exists for comparisons at equal bytes. Any-Precision keeps {@code 2^b} fp16 centroids per row at
 * {@code b} bits; a group keeps two fp16 values (offset and scale), so {@code 2^(b-1)} groups per row read exactly the
 * same side-table bytes, and with the same packed codes the whole matrix reads what Any-Precision's does. On the
 * fixture model that is groups of 24, 48 and 96 columns at 4, 3 and 2 bits on the 192-wide rows (q, k, v, o, gate,
 * up) and of 128, 256 and 512 on the 1024-wide rows of down.
 */
public sealed interface Grouping {

    /** Input columns per group of a row of {@code cols} columns at {@code bits} (the last group may be shorter). */
    int groupSize(int cols, int bits);

    /** Groups per row. */
    default int groups(int cols, int bits) {
        return Math.ceilDiv(cols, groupSize(cols, bits));
    }

    /** The form {@link #parse} reads back; also what cache keys and artefacts record. */
    String id();

    /** One grid per output row. */
    record PerRow() implements Grouping {
        @Override
        public int groupSize(int cols, int bits) {
            return cols;
        }

        @Override
        public String id() {
            return "row";
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /** Groups of {@code columns} consecutive input columns (a row narrower than that is one group). */
    record Columns(int columns) implements Grouping {
        public Columns {
            if (columns < 1) {
                throw new IllegalArgumentException("group size " + columns
                        + "; expected a positive number of columns");
            }
        }

        @Override
        public int groupSize(int cols, int bits) {
            return Math.min(columns, cols);
        }

        @Override
        public String id() {
            return Integer.toString(columns);
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /**
     * {@code 2^(bits-1)} groups per row, each {@code ceil(cols / 2^(bits-1))} columns: an offset and a scale per group
     * read the bytes of Any-Precision's {@code 2^bits} centroids per row (fewer groups when the division leaves the
     * last one empty, never more bytes).
     */
    record CentroidTableBytes() implements Grouping {
        @Override
        public int groupSize(int cols, int bits) {
            return Math.ceilDiv(cols, 1 << (bits - 1));
        }

        @Override
        public String id() {
            return "centroid-table-bytes";
        }

        @Override
        public String toString() {
            return id();
        }
    }

    static Grouping perRow() {
        return new PerRow();
    }

    static Grouping columns(int columns) {
        return new Columns(columns);
    }

    static Grouping centroidTableBytes() {
        return new CentroidTableBytes();
    }

    /** {@code row}, {@code centroid-table-bytes} or a positive number of columns; anything else names the value. */
    static Grouping parse(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        if (s.equals("row")) {
            return perRow();
        }
        if (s.equals("centroid-table-bytes")) {
            return centroidTableBytes();
        }
        try {
            return columns(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grouping '" + id + "'; expected 'row', 'centroid-table-bytes' or a"
                    + " positive number of columns", e);
        }
    }
}
