package org.pmpdrepro.decode;

import java.util.Arrays;

/**
 * One prompt's keys and values of one decoder layer, copied off the device: {@code [kvHeads, length, headDim]}
 * row-major each, rotary embedding applied to the keys, exactly as cached (full precision).
 */
public record LayerKv(int kvHeads, int length, int headDim, float[] keys, float[] values) {

    public LayerKv {
        long n = (long) kvHeads * length * headDim;
        if (kvHeads < 1 || length < 1 || headDim < 1 || keys.length != n || values.length != n) {
            throw new IllegalArgumentException("layer cache [" + kvHeads + ", " + length + ", " + headDim
                    + "] needs " + n + " keys and values; got " + keys.length + " and " + values.length);
        }
        keys = keys.clone();
        values = values.clone();
    }

    @Override
    public float[] keys() {
        return keys.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** Key of head {@code h}, position {@code t}, dimension {@code d}. */
    public float key(int h, int t, int d) {
        return keys[(h * length + t) * headDim + d];
    }

    /** Value of head {@code h}, position {@code t}, dimension {@code d}. */
    public float value(int h, int t, int d) {
        return values[(h * length + t) * headDim + d];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerKv k && kvHeads == k.kvHeads && length == k.length && headDim == k.headDim
                && Arrays.equals(keys, k.keys) && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keys) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "LayerKv[" + kvHeads + ", " + length + ", " + headDim + "]";
    }
}
