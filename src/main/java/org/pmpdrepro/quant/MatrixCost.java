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
}
