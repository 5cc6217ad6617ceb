package org.pmpdrepro.quant;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The memory a quantized model needs to serve a set of bit-widths, counting only the quantized linear matrices
 * (embeddings, norms and the head are the same fp16 bytes for every method and precision).
 *
 * @param precisions the bit-widths to be served
 * @param residentBytes bytes that must be resident to serve all of them
 * @param readBytes for each of them, the weight bytes one decode step reads at that width
 */
public record MemoryFootprint(SortedSet<Integer> precisions, long residentBytes, SortedMap<Integer, Long> readBytes) {

    public MemoryFootprint {
        precisions = Collections.unmodifiableSortedSet(new TreeSet<>(precisions));
        readBytes = Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        if (!readBytes.keySet().equals(precisions)) {
            throw new IllegalArgumentException("read bytes are given for " + readBytes.keySet()
                    + "; expected exactly the precisions " + precisions);
        }
    }

    /** Weight bytes a decode step reads at {@code bits}, one of {@link #precisions()}. */
    public long bytesReadPerToken(int bits) {
        Long n = readBytes.get(bits);
        if (n == null) {
            throw new IllegalArgumentException("bit-width " + bits + " is not among the accounted precisions "
                    + precisions);
        }
        return n;
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
        SortedMap<Integer, Long> read = new TreeMap<>();
        for (MatrixCost m : matrices) {
            resident += layout.residentBytes(m, sorted);
            for (int b : sorted) {
                read.merge(b, layout.bytesRead(m, b), Long::sum);
            }
        }
        return new MemoryFootprint(sorted, resident, read);
    }
}
