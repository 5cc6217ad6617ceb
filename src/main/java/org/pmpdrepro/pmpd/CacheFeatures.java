package org.pmpdrepro.pmpd;

import java.util.Arrays;
import org.pmpdrepro.decode.LayerKv;

/**
 * The learned scheduler's input: the last decoder layer's keys and values after the prefill, averaged over the
 * key/value heads, {@code [length, headDim]} row-major each, rounded to fp16. The paper's model keeps its cache in
 * fp16, so its classifier reads fp16 values; rounding here also lets the held-out features be committed at half the
 * size and still reproduce the recorded accuracy exactly.
 */
public record CacheFeatures(int length, int headDim, float[] keys, float[] values) {

    public CacheFeatures {
        if (length < 1 || headDim < 1 || keys.length != length * headDim || values.length != length * headDim) {
            throw new IllegalArgumentException("cache features [" + length + ", " + headDim + "] need "
                    + (length * headDim) + " keys and values; got " + keys.length + " and " + values.length);
        }
        keys = keys.clone();
        values = values.clone();
    }

    /** Mean over heads of one prompt's last-layer cache. */
    public static CacheFeatures of(LayerKv kv) {
        int t = kv.length();
        int d = kv.headDim();
        float[] k = new float[t * d];
        float[] v = new float[t * d];
        float[] keys = kv.keys();
        float[] values = kv.values();
        for (int h = 0; h < kv.kvHeads(); h++) {
            for (int i = 0; i < t * d; i++) {
                k[i] += keys[h * t * d + i];
                v[i] += values[h * t * d + i];
            }
        }
        for (int i = 0; i < t * d; i++) {
            k[i] = Float.float16ToFloat(Float.floatToFloat16(k[i] / kv.kvHeads()));
            v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i] / kv.kvHeads()));
            if (!Float.isFinite(k[i]) || !Float.isFinite(v[i])) {
                throw new IllegalArgumentException("last-layer cache element " + i + " of [" + t + ", " + d
                        + "] is " + k[i] + " (key) / " + v[i] + " (value) in fp16; expected finite values within"
                        + " fp16's range");
            }
        }
        return new CacheFeatures(t, d, k, v);
    }

    /** Key of position {@code t}, dimension {@code d}. */
    public float key(int t, int d) {
        return keys[t * headDim + d];
    }

    public float value(int t, int d) {
        return values[t * headDim + d];
    }

    @Override
    public float[] keys() {
        return keys.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheFeatures f && length == f.length && headDim == f.headDim
                && Arrays.equals(keys, f.keys) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keys) * 31 + Arrays.hashCode(values);
    }
}
