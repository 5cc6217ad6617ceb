package org.pmpdrepro.quant;

/**
 * The storage a quantized {@code [rows, cols]} matrix needs at one bit-width: packed codes plus fp16 side tables
 * (centroids, or scales and offsets).
 */
public interface MatrixCost {

    int rows();

    int cols();

    /** Number of fp16 side-table entries (centroids, scales, offsets) the matrix keeps for {@code bits}. */
    long tableEntries(int bits);

    /** Packed code bytes at {@code bits}: {@code ceil(rows * cols * bits / 8)}. */
    default long codeBytes(int bits) {
        return Math.ceilDiv((long) rows() * cols() * bits, 8L);
    }

    /** Side-table bytes at {@code bits}, stored as fp16. */
    default long tableBytes(int bits) {
        return 2L * tableEntries(bits);
    }

    /** Everything a matrix-vector product at {@code bits} reads: codes and table. */
    default long bytesRead(int bits) {
        return codeBytes(bits) + tableBytes(bits);
    }

    /**
     * The storage of a {@code [rows, cols]} matrix kept as Any-Precision keeps it at each width (and HAQ's k-means
     * scheme too): packed codes and a table of {@code 2^bits} fp16 centroids per row. The byte budgets of the
     * equal-bytes comparison are counted with it.
     */
    static MatrixCost centroidTables(int rows, int cols) {
        return new CentroidTables(rows, cols);
    }

    /** See {@link #centroidTables}. */
    record CentroidTables(int rows, int cols) implements MatrixCost {
        @Override
        public long tableEntries(int bits) {
            return (long) rows << bits;
        }
    }
}
