package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * Keys and values of every decoder block, {@code [batch, kvHeads, time, headDim]}, always in the activation
 * precision (fp32 here): weight precision switches never touch the cache, as in the paper.
 */
public final class KvCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(int layers) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
    }

    public int layers() {
        return keys.length;
    }

    /** Cached time steps (0 before the prefill). */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Appends this step's keys and values of {@code layer} and returns the whole history. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray newK = keys[layer] == null ? k : NDArrays.concat(new NDList(keys[layer], k), 2);
        NDArray newV = values[layer] == null ? v : NDArrays.concat(new NDList(values[layer], v), 2);
        replace(layer, newK, newV);
        return new NDArray[] {newK, newV};
    }

    /** The cached keys of {@code layer} (owned by the cache). */
    public NDArray keys(int layer) {
        return keys[layer];
    }

    /** The cached values of {@code layer} (owned by the cache). */
    public NDArray values(int layer) {
        return values[layer];
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
