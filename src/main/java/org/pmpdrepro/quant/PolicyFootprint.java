package org.pmpdrepro.quant;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The memory of serving a set of named mixed-precision policies (counting the quantized linear matrices only, as
 * {@link MemoryFootprint} does), for a back-bone whose codes at different widths are separate (HAQ, Bit-Mixer):
 * every distinct (matrix, bit-width) the policies need is stored once.
 *
 * @param policies the policy names served
 * @param residentBytes packed codes plus fp16 tables of every distinct (matrix, width) needed
 * @param readBytes for each policy, the weight bytes one decode step reads (codes and tables)
 * @param tableReadBytes for each policy, the part of {@code readBytes} that is side tables
 * @param weights the number of quantized weights, the denominator of effective bits
 */
public record PolicyFootprint(SortedSet<String> policies, long residentBytes, SortedMap<String, Long> readBytes,
        SortedMap<String, Long> tableReadBytes, long weights) {

    public PolicyFootprint {
        policies = Collections.unmodifiableSortedSet(new TreeSet<>(policies));
        readBytes = Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        tableReadBytes = Collections.unmodifiableSortedMap(new TreeMap<>(tableReadBytes));
        MemoryFootprint.requireConsistent(policies, readBytes, tableReadBytes, weights, "policies");
    }

    /** Weight bytes a decode step reads under {@code policy}, one of {@link #policies()}. */
    public long bytesReadPerToken(String policy) {
        return MemoryFootprint.lookup(readBytes, policy, "policy '" + policy + "'", policies);
    }

    /** The side-table part of {@link #bytesReadPerToken}. */
    public long tableBytesReadPerToken(String policy) {
        return MemoryFootprint.lookup(tableReadBytes, policy, "policy '" + policy + "'", policies);
    }

    /** Bits a decode step reads per quantized weight under {@code policy}, tables included. */
    public double effectiveBits(String policy) {
        return bytesReadPerToken(policy) * 8.0 / weights;
    }

    /**
     * The footprint of {@code names} among {@code policies} of {@code method}, each matrix of a policy read at its
     * width from {@code matrixAt} (its codes and tables at that width), each distinct (matrix, width) resident once.
     */
    public static PolicyFootprint separate(String method, Map<String, BitPolicy> policies, Set<String> names,
            BiFunction<LinearId, Integer, MatrixCost> matrixAt) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException(method + ": no policy asked for; expected some of "
                    + policies.keySet());
        }
        Set<String> needed = new LinkedHashSet<>();
        long resident = 0;
        long weights = 0;
        SortedMap<String, Long> read = new TreeMap<>();
        SortedMap<String, Long> tables = new TreeMap<>();
        for (String name : new TreeSet<>(names)) {
            BitPolicy p = policies.get(name);
            if (p == null) {
                throw new IllegalArgumentException(method + ": no policy '" + name + "'; the model has "
                        + policies.keySet());
            }
            long bytes = 0;
            long tableBytes = 0;
            weights = 0;
            for (Map.Entry<LinearId, Integer> e : p.bits().entrySet()) {
                int bits = e.getValue();
                MatrixCost m = matrixAt.apply(e.getKey(), bits);
                long cost = m.codeBytes(bits) + m.tableBytes(bits);
                bytes += cost;
                tableBytes += m.tableBytes(bits);
                weights += (long) m.rows() * m.cols();
                if (needed.add(e.getKey() + "@" + bits)) {
                    resident += cost;
                }
            }
            read.put(name, bytes);
            tables.put(name, tableBytes);
        }
        return new PolicyFootprint(new TreeSet<>(names), resident, read, tables, weights);
    }
}
