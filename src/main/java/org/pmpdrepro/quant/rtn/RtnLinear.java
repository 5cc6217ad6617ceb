package org.pmpdrepro.quant.rtn;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.quant.MatrixCost;

/** One matrix round-to-nearest quantized separately at each served bit-width. */
record RtnLinear(int rows, int cols, int groupSize, SortedMap<Integer, RtnCodes> byBits) implements MatrixCost {

    RtnLinear {
        byBits = Collections.unmodifiableSortedMap(new TreeMap<>(byBits));
    }

    @Override
    public long tableEntries(int bits) {
        // One offset and one scale per row and group, whatever the width.
        return 2L * rows * RtnCodes.groups(cols, groupSize);
    }
}
