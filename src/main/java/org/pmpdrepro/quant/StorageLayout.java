package org.pmpdrepro.quant;

import java.util.SortedSet;

/** How a quantizer stores the bit-widths it serves, which decides what must be resident to serve several. */
public enum StorageLayout {
    /** One set of bit-planes, most significant first: the widest planes serve every narrower width. */
    NESTED_BIT_PLANES,
    /** One independent quantized model per bit-width. */
    SEPARATE_MODELS;

    /** Bytes of {@code matrix} that must be resident to serve all of {@code precisions}. */
    public long residentBytes(MatrixCost matrix, SortedSet<Integer> precisions) {
        long tables = 0;
        long codes = 0;
        for (int b : precisions) {
            tables += matrix.tableBytes(b);
            codes += matrix.codeBytes(b);
        }
        return switch (this) {
            case NESTED_BIT_PLANES -> matrix.codeBytes(precisions.last()) + tables;
            case SEPARATE_MODELS -> codes + tables;
        };
    }

    /** Bytes of {@code matrix} a matrix-vector product at {@code bits} reads: its codes and its table. */
    public long bytesRead(MatrixCost matrix, int bits) {
        // Nested planes are read only down to plane `bits`, so both layouts read the same amount.
        return matrix.bytesRead(bits);
    }
}
