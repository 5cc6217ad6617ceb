package org.pmpdrepro.quant;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The memory a quantized model needs to serve a set of bit-widths, counting only the quantized linear matrices
 * (embeddings, norms and the head are the same fp16 bytes for every method and precision): their packed codes and
 * every side table a decode step reads with them (centroids, scales, offsets, group indices).
 *
 * @param precisions the bit-widths to be served
 * @param residentBytes bytes that must be resident to serve all of them
 * @param readBytes for each of them, the weight bytes one decode step reads at that width (codes and tables)
 * @param tableReadBytes for each of them, the part of {@code readBytes} that is side tables
 * @param weights the number of quantized weights, the denominator of effective bits
 */
public record MemoryFootprint(SortedSet<Integer> precisions, long residentBytes, SortedMap<Integer, Long> readBytes,
        SortedMap<Integer, Long> tableReadBytes, long weights) {

    public MemoryFootprint {
        precisions = Collections.unmodifiableSortedSet(new TreeSet<>(precisions));
        readBytes = Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        tableReadBytes = Collections.unmodifiableSortedMap(new TreeMap<>(tableReadBytes));
        requireConsistent(precisions, readBytes, tableReadBytes, weights, "precisions");
    }

    /** What both footprints check: bytes given for exactly {@code keys} (named {@code what}), some weights. */
    static <K> void requireConsistent(Set<K> keys, Map<K, Long> read, Map<K, Long> tables, long weights, String what) {
        if (!read.keySet().equals(keys) || !tables.keySet().equals(keys)) {
            throw new IllegalArgumentException("read bytes are given for " + read.keySet() + " and table bytes for "
                    + tables.keySet() + "; expected exactly the " + what + " " + keys);
        }
        if (weights < 1) {
            throw new IllegalArgumentException("footprint over " + weights + " weights; expected at least one");
        }
    }

    /** {@code map}'s entry for {@code key}, or an error naming the accounted {@code keys}. */
    static <K> long lookup(Map<K, Long> map, K key, String what, Set<K> keys) {
        Long n = map.get(key);
        if (n == null) {
            throw new IllegalArgumentException(what + " is not among the accounted " + keys);
        }
        return n;
    }

    /** Weight bytes a decode step reads at {@code bits}, one of {@link #precisions()}. */
    public long bytesReadPerToken(int bits) {
        return lookup(readBytes, bits);
    }

    /** The side-table part (centroids, scales, offsets, indices) of {@link #bytesReadPerToken}. */
    public long tableBytesReadPerToken(int bits) {
        return lookup(tableReadBytes, bits);
    }

    /** Bits a decode step reads per quantized weight at {@code bits}, tables included: bytes x 8 / weights. */
    public double effectiveBits(int bits) {
        return bytesReadPerToken(bits) * 8.0 / weights;
    }

    private long lookup(SortedMap<Integer, Long> map, int bits) {
        return lookup(map, bits, "bit-width " + bits, precisions);
    }

    /**
     * Sums {@code layout}'s costs over {@code matrices}, after checking that {@code precisions} is a non-empty
     * subset of what the model serves.
     */
    public static MemoryFootprint of(String method, StorageLayout layout, Collection<? extends MatrixCost> matrices,
            Set<Integer> precisions, SortedSet<Integer> served) {
        if (precisions.isEmpty()) {
            throw new IllegalArgumentException(method + ": no precision asked for; expected some of " + served);
        }
        if (!served.containsAll(precisions)) {
            throw new IllegalArgumentException(method + " serves bit-widths " + served + "; cannot account for "
                    + new TreeSet<>(precisions));
        }
        SortedSet<Integer> sorted = new TreeSet<>(precisions);
        long resident = 0;
        long weights = 0;
        SortedMap<Integer, Long> read = new TreeMap<>();
        SortedMap<Integer, Long> tables = new TreeMap<>();
        for (MatrixCost m : matrices) {
            resident += layout.residentBytes(m, sorted);
            weights += (long) m.rows() * m.cols();
            for (int b : sorted) {
                read.merge(b, layout.bytesRead(m, b), Long::sum);
                tables.merge(b, m.tableBytes(b), Long::sum);
            }
        }
        return new MemoryFootprint(sorted, resident, read, tables, weights);
    }
}
