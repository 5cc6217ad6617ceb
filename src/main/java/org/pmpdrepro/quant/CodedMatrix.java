package org.pmpdrepro.quant;

import java.util.Objects;

/**
 * One matrix {@code [rows, cols]} at one bit-width as codes plus the rule that turns a code into its weight, for
 * kernels that compute on codes instead of dequantized weights. The weight at row {@code r}, column {@code c} is, bit
 * for bit, what {@link QuantizedModel#dequantized} gives there: the rule states the fp32 arithmetic of the
 * quantizer's own dequantization.
 *
 * <p>Arrays are handed over, not copied: a model builds a fresh record per call.
 *
 * @param codes unsigned codes in {@code [0, 2^bits)}, row-major
 */
public record CodedMatrix(int rows, int cols, int bits, int[] codes, Values values) {

    public CodedMatrix {
        Objects.requireNonNull(values, "values");
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("coded matrix: " + bits + " bits; expected 1..8");
        }
        if (rows < 1 || cols < 1 || codes.length != (long) rows * cols) {
            throw new IllegalArgumentException("coded matrix [" + rows + ", " + cols + "]: " + codes.length
                    + " codes; expected " + (long) rows * cols);
        }
        values.check(rows, cols, bits);
    }

    /** How a code becomes a weight. */
    public sealed interface Values {

        void check(int rows, int cols, int bits);
    }

    /** Per row a table of {@code 2^bits} fp16 weights: {@code w = fp32(table[r << bits | code])} (Any-Precision). */
    public record RowTables(short[] table) implements Values {
        @Override
        public void check(int rows, int cols, int bits) {
            if (table.length != (long) rows << bits) {
                throw new IllegalArgumentException("row tables: " + table.length + " entries; expected "
                        + ((long) rows << bits));
            }
        }
    }

    /**
     * Per row and group of columns an fp16 offset and scale: {@code w = fp32(offset) + code * fp32(scale)} (product
     * rounded, then the sum), column {@code c} in group {@code groupIndex[c]} (RTN, GPTQ).
     *
     * @param offsets {@code [rows, groups]} row-major
     * @param scales {@code [rows, groups]} row-major
     */
    public record Affine(int groups, int[] groupIndex, short[] offsets, short[] scales) implements Values {
        @Override
        public void check(int rows, int cols, int bits) {
            if (groups < 1 || groupIndex.length != cols || offsets.length != (long) rows * groups
                    || scales.length != (long) rows * groups) {
                throw new IllegalArgumentException("affine values: " + groups + " groups, " + groupIndex.length
                        + " group indices, " + offsets.length + " offsets, " + scales.length + " scales; expected "
                        + cols + " indices and " + (long) rows * groups + " offsets and scales");
            }
            for (int c = 0; c < cols; c++) {
                if (groupIndex[c] < 0 || groupIndex[c] >= groups) {
                    throw new IllegalArgumentException("affine values: column " + c + " in group " + groupIndex[c]
                            + "; expected 0.." + (groups - 1));
                }
            }
        }

        /**
         * The width of every group when the groups are runs of consecutive columns of one width (the last possibly
         * shorter) and every declared group is one of them, else -1 (act-order with dynamic groups, whose groups
         * follow the permuted column order).
         */
        public int runWidth() {
            int width = 0;
            while (width < groupIndex.length && groupIndex[width] == 0) {
                width++;
            }
            if (width == 0) {
                return -1;
            }
            for (int c = 0; c < groupIndex.length; c++) {
                if (groupIndex[c] != c / width) {
                    return -1;
                }
            }
            // Every declared group must be one of the runs (no offsets and scales of groups no column uses).
            return groups == (groupIndex.length + width - 1) / width ? width : -1;
        }
    }

    /** The weight at {@code (r, c)} by the rule: the reference every kernel is checked against. */
    public float weight(int r, int c) {
        int code = codes[r * cols + c];
        return switch (values) {
            case RowTables t -> Fp16.decode(t.table()[r << bits | code]);
            case Affine a -> {
                int g = r * a.groups() + a.groupIndex()[c];
                yield Fp16.decode(a.offsets()[g]) + code * Fp16.decode(a.scales()[g]);
            }
        };
    }
}
