package org.pmpdrepro.quant.gptq;

import org.pmpdrepro.quant.Fp16;

/**
 * One matrix {@code [rows, cols]} GPTQ-quantized at one bit-width: a code per weight, and per row and group an
 * fp16 offset and scale. Column {@code c} belongs to group {@code groupIndex[c]}; with act-order and dynamic groups
 * the groups are runs of the permuted column order, so the index is part of the stored model and of the bytes a
 * step reads (the reference's {@code g_idx}); otherwise it follows from the column and costs nothing.
 * Codes are held one per byte; memory is accounted as packed.
 */
final class GptqCodes {

    private final int rows;
    private final int cols;
    private final int bits;
    private final int groups;
    private final boolean indexStored;
    private final byte[] codes;
    private final short[] offsets;
    private final short[] scales;
    private final int[] groupIndex;

    /**
     * Checks and keeps the arrays (not copied: callers hand over fresh ones).
     *
     * @param indexStored whether the group index must be stored (act-order with several groups), or follows from
     *     the group size
     */
    GptqCodes(int rows, int cols, int bits, int groups, boolean indexStored, byte[] codes, short[] offsets,
            short[] scales, int[] groupIndex, String where) {
        if (codes.length != rows * cols || offsets.length != rows * groups || scales.length != rows * groups
                || groupIndex.length != cols) {
            throw new IllegalArgumentException(where + ": " + codes.length + " codes, " + offsets.length
                    + " offsets, " + scales.length + " scales and " + groupIndex.length + " group indices; expected "
                    + rows * cols + ", " + rows * groups + ", " + rows * groups + " and " + cols);
        }
        int maxCode = (1 << bits) - 1;
        for (int i = 0; i < codes.length; i++) {
            if ((codes[i] & 0xff) > maxCode) {
                throw new IllegalArgumentException(where + ": code " + (codes[i] & 0xff) + " at row " + i / cols
                        + " column " + i % cols + " outside 0.." + maxCode + " for " + bits + " bits");
            }
        }
        for (int c = 0; c < cols; c++) {
            if (groupIndex[c] < 0 || groupIndex[c] >= groups) {
                throw new IllegalArgumentException(where + ": column " + c + " has group " + groupIndex[c]
                        + "; expected 0.." + (groups - 1));
            }
        }
        for (int i = 0; i < offsets.length; i++) {
            if (!Float.isFinite(Fp16.decode(offsets[i])) || !(Fp16.decode(scales[i]) >= 0)
                    || Float.isInfinite(Fp16.decode(scales[i]))) {
                throw new IllegalArgumentException(where + ": row " + i / groups + " group " + i % groups
                        + " has offset " + Fp16.decode(offsets[i]) + " and scale " + Fp16.decode(scales[i])
                        + "; expected a finite offset and a finite scale >= 0");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
        this.groups = groups;
        this.indexStored = indexStored;
        this.codes = codes;
        this.offsets = offsets;
        this.scales = scales;
        this.groupIndex = groupIndex;
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    int bits() {
        return bits;
    }

    int groups() {
        return groups;
    }

    /** fp16 entries kept besides the codes: offsets and scales, plus the group index when it must be stored. */
    long tableEntries() {
        // A column's group number fits 16 bits for any matrix under 2^16 columns, as one fp16 slot.
        return 2L * rows * groups + (indexStored ? cols : 0);
    }

    /** The fp32 {@code [rows, cols]} matrix the codes stand for. */
    float[] dequantize() {
        float[] out = new float[codes.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int g = r * groups + groupIndex[c];
                out[r * cols + c] = Fp16.decode(offsets[g]) + (codes[r * cols + c] & 0xff) * Fp16.decode(scales[g]);
            }
        }
        return out;
    }

    int[] codes() {
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codes[i] & 0xff;
        }
        return out;
    }

    short[] offsets() {
        return offsets.clone();
    }

    short[] scales() {
        return scales.clone();
    }

    int[] groupIndex() {
        return groupIndex.clone();
    }
}
