package org.pmpdrepro.quant.haq;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The memory of serving a set of HAQ policies (counting the quantized linear matrices only, as
 * {@link org.pmpdrepro.quant.MemoryFootprint} does): every distinct (matrix, bit-width) the policies need is stored
 * once, separately from the others, since HAQ's codes at different widths are not nested.
 *
 * @param policies the policy names served
 * @param residentBytes packed codes plus fp16 tables of every distinct (matrix, width) needed
 * @param readBytes for each policy, the weight bytes one decode step reads
 */
public record PolicyFootprint(SortedSet<String> policies, long residentBytes, SortedMap<String, Long> readBytes) {

    public PolicyFootprint {
        policies = Collections.unmodifiableSortedSet(new TreeSet<>(policies));
        readBytes = Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        if (!readBytes.keySet().equals(policies)) {
            throw new IllegalArgumentException("read bytes are given for " + readBytes.keySet()
                    + "; expected exactly the policies " + policies);
        }
    }

    /** Weight bytes a decode step reads under {@code policy}, one of {@link #policies()}. */
    public long bytesReadPerToken(String policy) {
        Long n = readBytes.get(policy);
        if (n == null) {
            throw new IllegalArgumentException("policy '" + policy + "' is not among the accounted " + policies);
        }
        return n;
    }
}
