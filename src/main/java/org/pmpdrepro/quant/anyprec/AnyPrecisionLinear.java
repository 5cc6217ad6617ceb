package org.pmpdrepro.quant.anyprec;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.Fp16;
import org.pmpdrepro.quant.MatrixCost;

/**
 * One matrix {@code [rows, cols]} quantized the Any-Precision way: parent codes stored as {@link BitPlanes} and,
 * per row and per width {@code b} in {@code seedBits..parentBits}, an fp16 table of the {@code 2^b} centroids
 * (each the sensitivity-weighted mean of its cluster's members). Immutable.
 */
public final class AnyPrecisionLinear implements MatrixCost {

    private final int rows;
    private final int cols;
    private final int seedBits;
    private final BitPlanes planes;
    /** {@code tables[b - seedBits][row << b | code]}. */
    private final short[][] tables;

    private AnyPrecisionLinear(int rows, int cols, int seedBits, BitPlanes planes, short[][] tables) {
        this.rows = rows;
        this.cols = cols;
        this.seedBits = seedBits;
        this.planes = planes;
        this.tables = tables;
    }

    /**
     * Quantizes {@code weight} row by row with per-weight importance {@code sensitivity} (same shape, finite,
     * non-negative; a row whose sensitivities are all zero is clustered unweighted): a weighted k-means seed of
     * {@code 2^seedBits} clusters, then each cluster split in two by weighted 2-means, one bit at a time, up to
     * {@code parentBits}.
     */
    public static AnyPrecisionLinear quantize(Tensor weight, Tensor sensitivity, int seedBits, int parentBits,
            int maxIterations) {
        if (!Arrays.equals(weight.shape(), sensitivity.shape())) {
            throw new IllegalArgumentException("sensitivity of '" + weight.name() + "' has shape "
                    + Arrays.toString(sensitivity.shape()) + "; expected the weight's " + Arrays.toString(weight.shape()));
        }
        int rows = weight.dim(0);
        int cols = weight.dim(1);
        int[] codes = new int[rows * cols];
        short[][] tables = new short[parentBits - seedBits + 1][];
        for (int b = seedBits; b <= parentBits; b++) {
            tables[b - seedBits] = new short[rows << b];
        }
        // Checked row by row first, so that bad input is reported for its first row whatever the threads do.
        double[] scratchV = new double[cols];
        double[] scratchF = new double[cols];
        for (int r = 0; r < rows; r++) {
            readRow(weight, sensitivity, r, scratchV, scratchF);
        }
        // Rows are clustered independently and each writes only its own slots, so spreading them over the cores
        // gives the same codes and tables as one row after another. Chunks of rows keep the scratch rows per task.
        int chunk = Math.max(1, Math.min(64, rows / (4 * Runtime.getRuntime().availableProcessors())));
        IntStream.range(0, Math.ceilDiv(rows, chunk)).parallel().forEach(t -> {
            double[] v = new double[cols];
            double[] f = new double[cols];
            for (int r = t * chunk; r < Math.min(rows, (t + 1) * chunk); r++) {
                readRow(weight, sensitivity, r, v, f);
                RowCodes row = quantizeRow(v, f, seedBits, parentBits, maxIterations);
                System.arraycopy(row.codes(), 0, codes, r * cols, cols);
                for (int b = seedBits; b <= parentBits; b++) {
                    double[] centres = row.centres()[b - seedBits];
                    for (int c = 0; c < centres.length; c++) {
                        tables[b - seedBits][r << b | c] = Fp16.encode(centres[c],
                                "'" + weight.name() + "' row " + r + " " + b + "-bit centroid " + c);
                    }
                }
            }
        });
        return new AnyPrecisionLinear(rows, cols, seedBits, BitPlanes.pack(codes, parentBits), tables);
    }

    /**
     * A matrix as stored (a decoded artefact): parent {@code planes} and the fp16 tables of widths
     * {@code seedBits..planes.bits()}, {@code tables[b - seedBits][row << b | code]}.
     */
    static AnyPrecisionLinear of(String what, int rows, int cols, int seedBits, BitPlanes planes, short[][] tables) {
        if (planes.count() != rows * cols) {
            throw new IllegalArgumentException(what + ": " + planes.count() + " codes; expected " + rows * cols);
        }
        if (seedBits < 1 || seedBits > planes.bits() || tables.length != planes.bits() - seedBits + 1) {
            throw new IllegalArgumentException(what + ": " + tables.length + " centroid tables for seed width "
                    + seedBits + " and parent width " + planes.bits());
        }
        short[][] copy = new short[tables.length][];
        for (int b = seedBits; b <= planes.bits(); b++) {
            if (tables[b - seedBits].length != rows << b) {
                throw new IllegalArgumentException(what + ": " + b + "-bit table has " + tables[b - seedBits].length
                        + " centroids; expected " + (rows << b));
            }
            copy[b - seedBits] = tables[b - seedBits].clone();
        }
        return new AnyPrecisionLinear(rows, cols, seedBits, planes, copy);
    }

    private static void readRow(Tensor weight, Tensor sensitivity, int r, double[] v, double[] f) {
        int cols = v.length;
        float[] w = weight.data();
        float[] s = sensitivity.data();
        double total = 0;
        for (int c = 0; c < cols; c++) {
            v[c] = w[r * cols + c];
            f[c] = s[r * cols + c];
            if (!Double.isFinite(v[c])) {
                throw new IllegalArgumentException("'" + weight.name() + "' row " + r + " column " + c + ": value "
                        + v[c] + " is not finite");
            }
            if (!(f[c] >= 0) || !Double.isFinite(f[c])) {
                throw new IllegalArgumentException("sensitivity of '" + weight.name() + "' row " + r + " column "
                        + c + ": " + f[c] + "; expected a finite value >= 0");
            }
            total += f[c];
        }
        if (total == 0) {
            Arrays.fill(f, 1.0);
        }
    }

    /** Parent codes of one row and its centroid tables, {@code centres[b - seed][code]}. */
    record RowCodes(int[] codes, double[][] centres) {}

    static RowCodes quantizeRow(double[] v, double[] f, int seedBits, int parentBits, int maxIterations) {
        int n = v.length;
        WeightedKMeans.Clustering seed = WeightedKMeans.kMeans(v, f, 1 << seedBits, maxIterations);
        int[] codes = seed.assignment().clone();
        double[][] centres = new double[parentBits - seedBits + 1][];
        centres[0] = seed.centres().clone();
        int[] members = new int[n];
        for (int b = seedBits; b < parentBits; b++) {
            double[] parent = centres[b - seedBits];
            double[] children = new double[2 << b];
            int[] next = new int[n];
            // Members listed cluster by cluster (a counting sort of the codes), so each split sees only its own.
            int[] start = new int[(1 << b) + 1];
            for (int code : codes) {
                start[code + 1]++;
            }
            for (int c = 0; c < 1 << b; c++) {
                start[c + 1] += start[c];
            }
            int[] fill = start.clone();
            int[] sorted = new int[n];
            for (int i = 0; i < n; i++) {
                sorted[fill[codes[i]]++] = i;
            }
            for (int c = 0; c < 1 << b; c++) {
                int count = start[c + 1] - start[c];
                System.arraycopy(sorted, start[c], members, 0, count);
                // An empty cluster's children are never referenced; they inherit the parent centre.
                children[2 * c] = parent[c];
                children[2 * c + 1] = parent[c];
                if (count == 0) {
                    continue;
                }
                boolean[] upper = WeightedKMeans.split(v, f, members, count, maxIterations);
                int[] low = new int[count];
                int[] high = new int[count];
                int nl = 0;
                int nh = 0;
                for (int j = 0; j < count; j++) {
                    int i = members[j];
                    next[i] = 2 * c + (upper[j] ? 1 : 0);
                    if (upper[j]) {
                        high[nh++] = i;
                    } else {
                        low[nl++] = i;
                    }
                }
                if (nl > 0) {
                    children[2 * c] = WeightedKMeans.mean(v, f, low, nl);
                }
                if (nh > 0) {
                    children[2 * c + 1] = WeightedKMeans.mean(v, f, high, nh);
                }
            }
            codes = next;
            centres[b + 1 - seedBits] = children;
        }
        return new RowCodes(codes, centres);
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
    public long tableEntries(int bits) {
        return (long) rows << bits;
    }

    public int seedBits() {
        return seedBits;
    }

    public int parentBits() {
        return planes.bits();
    }

    public BitPlanes planes() {
        return planes;
    }

    /** A copy of the fp16 centroid table at {@code bits}, indexed {@code row << bits | code}. */
    public short[] table(int bits) {
        requireServed(bits);
        return tables[bits - seedBits].clone();
    }

    /** The {@code bits}-bit code of every weight, row-major. */
    public int[] codes(int bits) {
        requireServed(bits);
        return planes.codes(bits);
    }

    /** The fp32 {@code [rows, cols]} matrix at {@code bits}, read from the first {@code bits} planes only. */
    public float[] dequantize(int bits) {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        dequantizeRows(bits, 0, rows, out);
        return out;
    }

    /**
     * Rows {@code [from, to)} of {@link #dequantize}{@code (bits)}, row-major into {@code out} from index 0, a row's
     * codes at a time: no code per weight of the whole matrix on the heap.
     */
    public void dequantizeRows(int bits, int from, int to, float[] out) {
        requireServed(bits);
        if (from < 0 || to > rows || from > to || out.length < (long) (to - from) * cols) {
            throw new IllegalArgumentException("any-precision matrix [" + rows + ", " + cols + "]: rows " + from + ".."
                    + to + " into " + out.length + " values");
        }
        short[] table = tables[bits - seedBits];
        int[] codes = new int[cols];
        for (int r = from; r < to; r++) {
            planes.codes(bits, r * cols, codes);
            int o = (r - from) * cols;
            for (int c = 0; c < cols; c++) {
                out[o + c] = Fp16.decode(table[r << bits | codes[c]]);
            }
        }
    }

    /** This matrix keeping only what serves widths up to {@code bits}: the first planes and their tables. */
    public AnyPrecisionLinear truncatedTo(int bits) {
        requireServed(bits);
        short[][] kept = new short[bits - seedBits + 1][];
        for (int b = seedBits; b <= bits; b++) {
            kept[b - seedBits] = tables[b - seedBits].clone();
        }
        return new AnyPrecisionLinear(rows, cols, seedBits, planes.truncated(bits), kept);
    }

    private void requireServed(int bits) {
        if (bits < seedBits || bits > planes.bits()) {
            throw new IllegalArgumentException("any-precision matrix serves bit-widths " + seedBits + ".."
                    + planes.bits() + ", not " + bits);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnyPrecisionLinear other && rows == other.rows && cols == other.cols
                && seedBits == other.seedBits && planes.equals(other.planes) && Arrays.deepEquals(tables, other.tables);
    }

    @Override
    public int hashCode() {
        return 31 * planes.hashCode() + Arrays.deepHashCode(tables);
    }
}
