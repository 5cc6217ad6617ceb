package org.pmpdrepro.quant.haq;

import java.util.Arrays;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.MatrixCost;

/**
 * One matrix {@code [rows, cols]} quantized at one bit-width: a code per weight (held one per byte here, accounted
 * as packed) and an fp16 table per row whose meaning depends on the {@link QuantScheme}. Immutable.
 */
final class QuantizedRows implements MatrixCost {

    private final QuantScheme scheme;
    private final int rows;
    private final int cols;
    private final int bits;
    private final byte[] codes;
    private final short[] table;

    private QuantizedRows(QuantScheme scheme, int rows, int cols, int bits, byte[] codes, short[] table) {
        this.scheme = scheme;
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
        this.codes = codes;
        this.table = table;
    }

    /** Quantizes the fp32 {@code [out, in]} matrix {@code weight} at {@code bits} (1..8). */
    static QuantizedRows quantize(Tensor weight, int bits, QuantScheme scheme) {
        requireBits(bits, weight.name());
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("haq: tensor '" + weight.name() + "' has shape "
                    + Arrays.toString(weight.shape()) + "; expected a matrix [out, in]");
        }
        int rows = weight.dim(0);
        int cols = weight.dim(1);
        int perRow = (int) scheme.tableEntriesPerRow(bits);
        byte[] codes = new byte[rows * cols];
        short[] table = new short[rows * perRow];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(weight.data(), r * cols, row, 0, cols);
            String where = "tensor '" + weight.name() + "' row " + r + " at " + bits + " bits";
            switch (scheme) {
                case KMEANS -> RowQuantizer.kMeans(row, bits, where, table, r * perRow, codes, r * cols);
                case LINEAR -> RowQuantizer.linear(row, bits, where, table, r * perRow, codes, r * cols);
            }
        }
        return new QuantizedRows(scheme, rows, cols, bits, codes, table);
    }

    /** Rebuilds a matrix from its stored codes and fp16 table, checking that every code fits {@code bits}. */
    static QuantizedRows of(QuantScheme scheme, int rows, int cols, int bits, int[] codes, short[] table,
            String what) {
        requireBits(bits, what);
        long perRow = scheme.tableEntriesPerRow(bits);
        if (codes.length != (long) rows * cols || table.length != rows * perRow) {
            throw new IllegalArgumentException(what + ": " + codes.length + " codes and " + table.length
                    + " table entries; expected " + (long) rows * cols + " and " + rows * perRow);
        }
        byte[] packed = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= 1 << bits) {
                throw new IllegalArgumentException(what + ": code " + i + " is " + codes[i] + "; expected 0.."
                        + ((1 << bits) - 1));
            }
            packed[i] = (byte) codes[i];
        }
        return new QuantizedRows(scheme, rows, cols, bits, packed, table.clone());
    }

    private static void requireBits(int bits, String what) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("haq: " + what + " at bit-width " + bits + "; expected 1..8");
        }
    }

    /** The fp32 {@code [rows, cols]} matrix the codes stand for, named {@code name}. */
    Tensor dequantize(String name) {
        int perRow = (int) scheme.tableEntriesPerRow(bits);
        float[] out = new float[codes.length];
        float[] decoded = new float[perRow];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < perRow; j++) {
                decoded[j] = Fp16.decode(table[r * perRow + j]);
            }
            for (int c = 0; c < cols; c++) {
                int code = codes[r * cols + c] & 0xff;
                out[r * cols + c] = switch (scheme) {
                    case KMEANS -> decoded[code];
                    case LINEAR -> decoded[0] + code * decoded[1];
                };
            }
        }
        return new Tensor(name, new int[] {rows, cols}, out);
    }

    QuantScheme scheme() {
        return scheme;
    }

    int bits() {
        return bits;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public long tableEntries(int width) {
        return rows * scheme.tableEntriesPerRow(width);
    }

    /** The code of every weight, row-major. */
    int[] codes() {
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codes[i] & 0xff;
        }
        return out;
    }

    /** The fp16 table, row by row. */
    short[] table() {
        return table.clone();
    }
}
