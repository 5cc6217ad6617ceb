package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every decoder block, {@code [batch, kvHeads, time, headDim]}, always in the activation
 * precision (fp32 here): weight precision switches never touch the cache, as in the paper.
 *
 * <p>Two layouts. A growing cache ({@link #KvCache(int)}) concatenates each pass's keys onto the history; it suits a
 * single pass (a prefill, a perplexity window). A preallocated cache ({@link #preallocated}) reserves the positions a
 * whole generation will use and writes each step into place, so a decode step copies one column per layer instead of
 * the whole history; {@link #keys} and {@link #values} then return views of the filled part.
 */
public final class KvCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;
    /** Filled time steps per layer (a pass appends to every layer in turn). */
    private final long[] filled;
    /** Reserved time steps of a preallocated cache; 0 for a growing one. */
    private final long capacity;

    public KvCache(int layers) {
        this(layers, 0);
    }

    private KvCache(int layers, long capacity) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
        filled = new long[layers];
        this.capacity = capacity;
    }

    /**
     * An empty cache with room for {@code capacity} time steps of {@code rows} sequences, zero-filled (a position
     * that was never written must still be a finite number: attention masks it, and {@code 0 * x} must stay 0).
     */
    public static KvCache preallocated(NDManager manager, int layers, int rows, int kvHeads, int capacity,
            int headDim) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity " + capacity + ": expected at least 1 position");
        }
        KvCache cache = new KvCache(layers, capacity);
        Shape shape = new Shape(rows, kvHeads, capacity, headDim);
        for (int l = 0; l < layers; l++) {
            NDArray k = manager.zeros(shape, DataType.FLOAT32);
            NDArray v = manager.zeros(shape, DataType.FLOAT32);
            NDScope.unregister(k, v);
            cache.keys[l] = k;
            cache.values[l] = v;
        }
        return cache;
    }

    public int layers() {
        return keys.length;
    }

    /** Cached time steps (0 before the prefill). */
    public long length() {
        return filled[0];
    }

    /** Appends this pass's keys and values of {@code layer} and returns the whole history. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long time = k.getShape().get(2);
        if (capacity == 0) {
            NDArray newK = keys[layer] == null ? k : NDArrays.concat(new NDList(keys[layer], k), 2);
            NDArray newV = values[layer] == null ? v : NDArrays.concat(new NDList(values[layer], v), 2);
            replace(layer, newK, newV);
            filled[layer] += time;
            return new NDArray[] {newK, newV};
        }
        long from = filled[layer];
        if (from + time > capacity) {
            throw new IllegalStateException("KV cache of " + capacity + " positions cannot take " + time
                    + " more after " + from);
        }
        NDIndex into = new NDIndex(":, :, {}:{}, :", from, from + time);
        keys[layer].set(into, k);
        values[layer].set(into, v);
        filled[layer] = from + time;
        return new NDArray[] {keys(layer), values(layer)};
    }

    /**
     * Copies every layer of {@code part} (a cache of consecutive rows {@code firstRow...} whose history is left-padded
     * to its own width) into this preallocated cache, right-aligned at this cache's current length: a prompt that was
     * prefilled alone or in a smaller group sits where a prefill of the whole batch would have put it.
     */
    void place(int firstRow, KvCache part) {
        if (capacity == 0) {
            throw new IllegalStateException("only a preallocated cache takes prefilled parts");
        }
        long width = part.length();
        long rows = part.keys[0].getShape().get(0);
        long end = filled[0];
        if (width > end) {
            throw new IllegalArgumentException("a part of " + width + " positions does not fit the " + end
                    + " filled ones");
        }
        NDIndex into = new NDIndex("{}:{}, :, {}:{}, :", firstRow, firstRow + rows, end - width, end);
        for (int l = 0; l < keys.length; l++) {
            keys[l].set(into, part.keys[l]);
            values[l].set(into, part.values[l]);
        }
    }

    /** Marks the first {@code positions} of a preallocated cache as filled (by {@link #place}d parts). */
    void fill(long positions) {
        if (capacity == 0 || positions > capacity) {
            throw new IllegalStateException("cannot mark " + positions + " positions of a cache of " + capacity);
        }
        java.util.Arrays.fill(filled, positions);
    }

    /** The cached keys of {@code layer}: owned by the cache for a growing one, a view of the filled part otherwise. */
    public NDArray keys(int layer) {
        return capacity == 0 ? keys[layer] : keys[layer].get(new NDIndex(":, :, :{}, :", filled[layer]));
    }

    /** The cached values of {@code layer}, as {@link #keys}. */
    public NDArray values(int layer) {
        return capacity == 0 ? values[layer] : values[layer].get(new NDIndex(":, :, :{}, :", filled[layer]));
    }

    /** An independent copy (same layout, same filled length), for a second decode from the same prefill. */
    KvCache copy() {
        KvCache c = new KvCache(keys.length, capacity);
        for (int l = 0; l < keys.length; l++) {
            NDArray k = keys[l].duplicate();
            NDArray v = values[l].duplicate();
            NDScope.unregister(k, v);
            c.keys[l] = k;
            c.values[l] = v;
        }
        System.arraycopy(filled, 0, c.filled, 0, filled.length);
        return c;
    }

    /** Keeps only the batch rows {@code rows}, in that order (finished sequences leave the batch). */
    void keepRows(NDArray rows) {
        for (int l = 0; l < keys.length; l++) {
            replace(l, keys[l].get(new NDIndex("{}", rows)), values[l].get(new NDIndex("{}", rows)));
        }
    }

    private void replace(int layer, NDArray k, NDArray v) {
        // Cache arrays outlive the step scope that created them.
        NDScope.unregister(k, v);
        if (keys[layer] != null && keys[layer] != k) {
            keys[layer].close();
        }
        if (values[layer] != null && values[layer] != v) {
            values[layer].close();
        }
        keys[layer] = k;
        values[layer] = v;
    }

    @Override
    public void close() {
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
            }
        }
    }
}
