package org.pmpdrepro.quant.anyprec;

import java.util.Arrays;

/**
 * Codes of {@code count} weights stored as bit-planes, most significant first: plane {@code p} holds bit
 * {@code bits - 1 - p} of every code, 64 weights to a {@code long}. The first {@code b} planes alone give the
 * {@code b}-bit code {@code code >> (bits - b)}, which is what lets one stored model serve every narrower width.
 */
public final class BitPlanes {

    private final int count;
    private final long[][] planes;

    private BitPlanes(int count, long[][] planes) {
        this.count = count;
        this.planes = planes;
    }

    /** Packs {@code codes}, each in {@code [0, 2^bits)}. */
    public static BitPlanes pack(int[] codes, int bits) {
        return pack(codes.length, i -> codes[i], bits);
    }

    /**
     * Packs the {@code count} codes {@code code.applyAsInt(i)}, each in {@code [0, 2^bits)}, asked for in index
     * order: codes read from a stored array need no array of their own.
     */
    public static BitPlanes pack(int count, java.util.function.IntUnaryOperator code, int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bit-planes: width " + bits + " outside 1..16");
        }
        int words = Math.ceilDiv(count, 64);
        long[][] planes = new long[bits][words];
        for (int i = 0; i < count; i++) {
            int c = code.applyAsInt(i);
            if (c < 0 || c >= 1 << bits) {
                throw new IllegalArgumentException("bit-planes: code " + c + " at index " + i + " outside [0, "
                        + (1 << bits) + ")");
            }
            for (int p = 0; p < bits; p++) {
                if ((c >>> (bits - 1 - p) & 1) != 0) {
                    planes[p][i >>> 6] |= 1L << (i & 63);
                }
            }
        }
        return new BitPlanes(count, planes);
    }

    public int bits() {
        return planes.length;
    }

    public int count() {
        return count;
    }

    /** A copy of plane {@code p} (0 = most significant). */
    public long[] plane(int p) {
        return planes[p].clone();
    }

    /** The {@code b}-bit codes, read from the first {@code b} planes only. */
    public int[] codes(int b) {
        requireWidth(b);
        int[] out = new int[count];
        for (int p = 0; p < b; p++) {
            long[] plane = planes[p];
            for (int i = 0; i < count; i++) {
                out[i] = out[i] << 1 | (int) (plane[i >>> 6] >>> (i & 63) & 1L);
            }
        }
        return out;
    }

    /**
     * The {@code b}-bit codes of weights {@code from .. from + out.length - 1} into {@code out}, read from the first
     * {@code b} planes only: {@link #codes(int)} for a slice (a row), without a code per weight of the whole matrix.
     */
    public void codes(int b, int from, int[] out) {
        requireWidth(b);
        if (from < 0 || from > count - out.length) {
            throw new IllegalArgumentException("bit-planes: codes " + from + ".." + (from + out.length - 1)
                    + " outside the " + count + " stored");
        }
        Arrays.fill(out, 0);
        for (int p = 0; p < b; p++) {
            long[] plane = planes[p];
            for (int k = 0; k < out.length; k++) {
                int i = from + k;
                out[k] = out[k] << 1 | (int) (plane[i >>> 6] >>> (i & 63) & 1L);
            }
        }
    }

    /** Only the first {@code b} planes: what a device serving at most {@code b} bits keeps. */
    public BitPlanes truncated(int b) {
        requireWidth(b);
        long[][] kept = new long[b][];
        for (int p = 0; p < b; p++) {
            kept[p] = planes[p].clone();
        }
        return new BitPlanes(count, kept);
    }

    private void requireWidth(int b) {
        if (b < 1 || b > planes.length) {
            throw new IllegalArgumentException("bit-planes hold " + planes.length + " planes; cannot read " + b);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitPlanes other && count == other.count && Arrays.deepEquals(planes, other.planes);
    }

    @Override
    public int hashCode() {
        return 31 * count + Arrays.deepHashCode(planes);
    }
}
