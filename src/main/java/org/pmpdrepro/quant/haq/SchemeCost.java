package org.pmpdrepro.quant.haq;

import org.pmpdrepro.quant.MatrixCost;

/**
 * The storage of a {@code [rows, cols]} matrix quantized with {@code scheme} at any width: packed codes and the
 * scheme's fp16 table per row ({@code 2^bits} centroids for k-means, an offset and a scale for linear).
 */
record SchemeCost(int rows, int cols, QuantScheme scheme) implements MatrixCost {

    @Override
    public long tableEntries(int bits) {
        return rows * scheme.tableEntriesPerRow(bits);
    }
}
