package org.pmpdrepro.quant.rtn;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.quant.MatrixCost;

/** One matrix round-to-nearest quantized separately at each served bit-width, each with its own grouping. */
record RtnLinear(int rows, int cols, SortedMap<Integer, RtnCodes> byBits) implements MatrixCost {

    RtnLinear {
        byBits = Collections.unmodifiableSortedMap(new TreeMap<>(byBits));
    }

    @Override
    public long tableEntries(int bits) {
        // One offset and one scale per row and group of that width.
        return 2L * rows * RtnCodes.groups(cols, byBits.get(bits).groupSize());
    }
}
