package org.pmpdrepro.quant.gptq;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.quant.MatrixCost;

/** One matrix GPTQ-quantized separately at each served bit-width (one independent model per width). */
record GptqLinear(int rows, int cols, SortedMap<Integer, GptqCodes> byBits) implements MatrixCost {

    GptqLinear {
        byBits = Collections.unmodifiableSortedMap(new TreeMap<>(byBits));
    }

    @Override
    public long tableEntries(int bits) {
        return byBits.get(bits).tableEntries();
    }
}
