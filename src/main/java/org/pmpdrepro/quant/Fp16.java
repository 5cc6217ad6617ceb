package org.pmpdrepro.quant;

/** Side tables (centroids, scales, offsets) are stored in fp16, as a deployed kernel would keep them. */
public final class Fp16 {

    private Fp16() {}

    /** {@code value} as fp16 bits; a value outside the fp16 range is an error naming {@code what}. */
    public static short encode(double value, String what) {
        short h = Float.floatToFloat16((float) value);
        if (!Float.isFinite(Float.float16ToFloat(h))) {
            throw new IllegalArgumentException(what + ": value " + value + " is not representable in fp16"
                    + " (finite, |x| <= 65504 expected)");
        }
        return h;
    }

    public static float decode(short half) {
        return Float.float16ToFloat(half);
    }
}
