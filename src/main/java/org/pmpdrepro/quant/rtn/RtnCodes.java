package org.pmpdrepro.quant.rtn;

import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.MinMaxGrid;

/**
 * One matrix {@code [rows, cols]} round-to-nearest quantized at one bit-width: per row and group of
 * {@code groupSize} input columns, an fp16 offset (the group minimum) and scale ({@code (max - min) / (2^bits - 1)}),
 * and one code per weight. Codes are held one per byte here; memory is accounted as packed.
 */
final class RtnCodes {

    private final int rows;
    private final int cols;
    private final int bits;
    private final int groupSize;
    private final byte[] codes;
    private final short[] offsets;
    private final short[] scales;

    private RtnCodes(int rows, int cols, int bits, int groupSize, byte[] codes, short[] offsets, short[] scales) {
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
        this.groupSize = groupSize;
        this.codes = codes;
        this.offsets = offsets;
        this.scales = scales;
    }

    static int groups(int cols, int groupSize) {
        return Math.ceilDiv(cols, groupSize);
    }

    static RtnCodes quantize(Tensor weight, int bits, int groupSize) {
        int rows = weight.dim(0);
        int cols = weight.dim(1);
        int groups = groups(cols, groupSize);
        float[] w = weight.data();
        byte[] codes = new byte[w.length];
        short[] offsets = new short[rows * groups];
        short[] scales = new short[rows * groups];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int from = r * cols + g * groupSize;
                int to = r * cols + Math.min(cols, (g + 1) * groupSize);
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    if (!Float.isFinite(w[i])) {
                        throw new IllegalArgumentException("tensor '" + weight.name() + "' row " + r + " column "
                                + (i - r * cols) + ": value " + w[i] + " is not finite");
                    }
                    min = Math.min(min, w[i]);
                    max = Math.max(max, w[i]);
                }
                MinMaxGrid grid = MinMaxGrid.spanning(min, max, bits,
                        "tensor '" + weight.name() + "' row " + r + " group " + g);
                offsets[r * groups + g] = grid.offsetBits();
                scales[r * groups + g] = grid.scaleBits();
                for (int i = from; i < to; i++) {
                    codes[i] = (byte) grid.code(w[i]);
                }
            }
        }
        return new RtnCodes(rows, cols, bits, groupSize, codes, offsets, scales);
    }

    /**
     * Codes and tables as stored (a decoded artefact); codes outside {@code [0, 2^bits)} or side tables of the
     * wrong length are an error naming {@code what}.
     */
    static RtnCodes of(String what, int rows, int cols, int bits, int groupSize, byte[] codes, short[] offsets,
            short[] scales) {
        int tables = rows * groups(cols, groupSize);
        if (codes.length != rows * cols || offsets.length != tables || scales.length != tables) {
            throw new IllegalArgumentException(what + ": " + codes.length + " codes, " + offsets.length + " offsets, "
                    + scales.length + " scales; expected " + rows * cols + ", " + tables + ", " + tables);
        }
        for (int i = 0; i < codes.length; i++) {
            if ((codes[i] & 0xff) >= 1 << bits) {
                throw new IllegalArgumentException(what + ": code " + (codes[i] & 0xff) + " at index " + i
                        + " outside [0, " + (1 << bits) + ")");
            }
        }
        return new RtnCodes(rows, cols, bits, groupSize, codes.clone(), offsets.clone(), scales.clone());
    }

    int bits() {
        return bits;
    }

    int groupSize() {
        return groupSize;
    }

    /** fp16 offsets, {@code [rows, groups]}. */
    short[] offsets() {
        return offsets.clone();
    }

    /** fp16 scales, {@code [rows, groups]}. */
    short[] scales() {
        return scales.clone();
    }

    /** The fp32 {@code [rows, cols]} matrix the codes stand for. */
    float[] dequantize() {
        int groups = groups(cols, groupSize);
        float[] out = new float[codes.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int g = r * groups + c / groupSize;
                out[r * cols + c] = Fp16.decode(offsets[g]) + (codes[r * cols + c] & 0xff) * Fp16.decode(scales[g]);
            }
        }
        return out;
    }

    /** The code of every weight, row-major. */
    int[] codes() {
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codes[i] & 0xff;
        }
        return out;
    }
}
