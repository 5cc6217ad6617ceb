package org.pmpdrepro.quant.store;

import java.util.Collections;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.pmpdrepro.model.DeferredTensor;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TensorData;

/**
 * Conversions the codecs share between a quantized model's integer codes and fp16 tables and the fp32 tensors and
 * string parameters of a {@link StoredQuantization}. Every conversion back is checked to be exact, so a damaged
 * artefact is an error naming the tensor and element rather than a silently different model.
 */
public final class CodecValues {

    private CodecValues() {}

    /** Integer codes as fp32 values (exact below 2^24). */
    public static float[] floats(int[] codes) {
        float[] out = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = codes[i];
        }
        return out;
    }

    /** fp16 bit patterns as the fp32 values they stand for (exact: fp16 is a subset of fp32). */
    public static float[] halves(short[] bits) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = Float.float16ToFloat(bits[i]);
        }
        return out;
    }

    /** Codes stored by {@link #floats}, each an integer in {@code [0, limit)}. */
    public static int[] ints(Tensor t, int limit) {
        float[] d = t.data();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = code(t.name(), d[i], i, limit);
        }
        return out;
    }

    /** Values of a stored tensor read at a time by {@link #codesInOrder}: a quarter of a megabyte. */
    private static final int SLICE = 1 << 16;

    /**
     * The codes stored by {@link #floats} in {@code t}, each an integer in {@code [0, limit)}, for callers that ask
     * for them in index order ({@code BitPlanes.pack}): read a slice at a time, so no array of the whole tensor is
     * made. Asking out of order is an error.
     */
    public static java.util.function.IntUnaryOperator codesInOrder(TensorData t, int limit) {
        if (t instanceof DeferredTensor d && d.slices() == null) {
            // Values that come only whole (computed, not read from a file): computed once.
            float[] all = d.data();
            return i -> code(t.name(), all[i], i, limit);
        }
        long size = t.size();
        return new java.util.function.IntUnaryOperator() {
            private float[] slice = new float[0];
            private long start;

            @Override
            public int applyAsInt(int i) {
                if (i < start || i >= start + slice.length) {
                    if (i != start + slice.length) {
                        throw new IllegalStateException("codes of '" + t.name() + "' asked for out of order: " + i);
                    }
                    start = i;
                    slice = t.data(i, (int) Math.min(SLICE, size - i));
                }
                return code(t.name(), slice[(int) (i - start)], i, limit);
            }
        };
    }

    /**
     * Element {@code i}, of value {@code v}, of tensor {@code name} as a code stored by {@link #floats}, an integer
     * in {@code [0, limit)}.
     */
    public static int code(String name, float v, long i, int limit) {
        if (!(v >= 0 && v < limit) || v != Math.rint(v)) {
            throw new IllegalArgumentException("tensor '" + name + "' element " + i + " is " + v
                    + "; expected an integer code in [0, " + limit + ")");
        }
        return (int) v;
    }

    /** Codes below 256 as bytes. */
    public static byte[] bytes(Tensor t) {
        int[] codes = ints(t, 256);
        byte[] out = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = (byte) codes[i];
        }
        return out;
    }

    /** Values stored by {@link #halves} back to fp16 bits; a value fp16 cannot hold exactly is an error. */
    public static short[] toHalves(Tensor t) {
        float[] d = t.data();
        short[] out = new short[d.length];
        for (int i = 0; i < d.length; i++) {
            short h = Float.floatToFloat16(d[i]);
            if (Float.floatToRawIntBits(Float.float16ToFloat(h)) != Float.floatToRawIntBits(d[i]) || !Float.isFinite(d[i])) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' element " + i + " is " + d[i]
                        + "; expected a finite fp16 value");
            }
            out[i] = h;
        }
        return out;
    }

    /** Bit-widths as a parameter value, {@code "2,3,4"}. */
    public static String widths(SortedSet<Integer> widths) {
        StringJoiner j = new StringJoiner(",");
        widths.forEach(b -> j.add(Integer.toString(b)));
        return j.toString();
    }

    /** The bit-widths of parameter {@code key}, each in {@code [min, max]}, at least one. */
    public static SortedSet<Integer> parseWidths(StoredQuantization stored, String key, int min, int max) {
        String value = stored.parameter(key);
        SortedSet<Integer> out = new TreeSet<>();
        for (String part : value.split(",", -1)) {
            out.add(parse(stored, key, value, part.trim(), min, max));
        }
        return Collections.unmodifiableSortedSet(out);
    }

    /** The integer parameter {@code key}, in {@code [min, max]}. */
    public static int parseInt(StoredQuantization stored, String key, int min, int max) {
        String value = stored.parameter(key);
        return parse(stored, key, value, value.trim(), min, max);
    }

    private static int parse(StoredQuantization stored, String key, String value, String part, int min, int max) {
        try {
            int n = Integer.parseInt(part);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the value
        }
        throw new IllegalArgumentException(stored.method() + " artefact: parameter '" + key + "' is '" + value
                + "'; expected integers in " + min + ".." + max);
    }

    public static void requireMethod(StoredQuantization stored, String method) {
        if (!stored.method().equals(method)) {
            throw new IllegalArgumentException("a " + stored.method() + " artefact given to the " + method
                    + " codec; expected method '" + method + "'");
        }
    }

    /** Fails when the artefact holds other tensors than the {@code expected} count the codec read. */
    public static void requireNoExtraTensors(StoredQuantization stored, int expected) {
        if (stored.entries().size() != expected) {
            throw new IllegalArgumentException(stored.method() + " artefact holds " + stored.entries().size()
                    + " tensors; the model needs exactly " + expected);
        }
    }
}
