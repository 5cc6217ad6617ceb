package org.pmpdrepro.quant.haq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.MatrixCost;

/**
 * One matrix {@code [rows, cols]} quantized at one bit-width: a code per weight (held one per byte here, accounted
 * as packed) and an fp16 table per row whose meaning depends on the {@link QuantScheme}. Immutable.
 *
 * <p>Codes and table are held on the heap, or in a file ({@link #spillTo}) and read back whenever they are asked for:
 * a search at the size of a real checkpoint quantizes every matrix at up to seven widths, more than memory holds.
 */
final class QuantizedRows implements MatrixCost {

    private final QuantScheme scheme;
    private final int rows;
    private final int cols;
    private final int bits;
    /** On the heap, or null when spilled. */
    private final byte[] codes;
    private final short[] table;
    /** The file holding the codes and then the table (little-endian), or null when on the heap. */
    private final Path file;

    private QuantizedRows(QuantScheme scheme, int rows, int cols, int bits, byte[] codes, short[] table, Path file) {
        this.scheme = scheme;
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
        this.codes = codes;
        this.table = table;
        this.file = file;
    }

    private QuantizedRows(QuantScheme scheme, int rows, int cols, int bits, byte[] codes, short[] table) {
        this(scheme, rows, cols, bits, codes, table, null);
    }

    /**
     * Writes the codes and table to {@code target} (replaced if present) and returns the same matrix read from
     * there; this one keeps its arrays.
     */
    QuantizedRows spillTo(Path target) {
        byte[] c = codeBytes();
        short[] t = tableShorts();
        ByteBuffer tableBytes = ByteBuffer.allocate(t.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        tableBytes.asShortBuffer().put(t);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, ByteBuffer.wrap(c));
            writeFully(out, tableBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("haq: cannot write the quantized matrix to " + target, e);
        }
        return new QuantizedRows(scheme, rows, cols, bits, null, null, target);
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Whether the codes and table live in a file. */
    boolean spilled() {
        return file != null;
    }

    private byte[] codeBytes() {
        if (file == null) {
            return codes;
        }
        ByteBuffer b = ByteBuffer.allocate(rows * cols);
        readFully(b, 0);
        return b.array();
    }

    private short[] tableShorts() {
        if (file == null) {
            return table;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (rows * scheme.tableEntriesPerRow(bits) * Short.BYTES));
        readFully(b, (long) rows * cols);
        short[] out = new short[b.capacity() / Short.BYTES];
        b.flip().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    private void readFully(ByteBuffer b, long position) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = position;
            while (b.hasRemaining()) {
                int n = in.read(b, at);
                if (n < 0) {
                    throw new IOException("ends at byte " + at + "; expected " + (position + b.capacity())
                            + " bytes or more");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("haq: cannot read the quantized matrix back from " + file + ": "
                    + e.getMessage(), e);
        }
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
        byte[] codes = codeBytes();
        short[] table = tableShorts();
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
        byte[] codes = codeBytes();
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codes[i] & 0xff;
        }
        return out;
    }

    /** The fp16 table, row by row. */
    short[] table() {
        return file == null ? table.clone() : tableShorts();
    }
}
