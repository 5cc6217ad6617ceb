package org.pmpdrepro.quant;

/**
 * The asymmetric uniform grid of one row (or row group): offset = minimum, scale = range / (2^bits - 1), both
 * kept in fp16, arithmetic in float. Round-to-nearest and GPTQ share it, so that GPTQ without error feedback
 * (identity Hessian) reproduces RTN bit for bit and the comparison between the two isolates the feedback.
 */
public record MinMaxGrid(short offsetBits, short scaleBits, int maxCode) {

    /** The grid from {@code min} to {@code max} at {@code bits}; {@code where} names the group in errors. */
    public static MinMaxGrid spanning(float min, float max, int bits, String where) {
        int maxCode = (1 << bits) - 1;
        return new MinMaxGrid(Fp16.encode(min, where + " offset"), Fp16.encode((max - min) / maxCode,
                where + " scale"), maxCode);
    }

    /** The grid spanning {@code values[from..to)} at {@code bits}; {@code where} names them in errors. */
    public static MinMaxGrid of(double[] values, int from, int to, int bits, String where) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            float v = (float) values[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(where + ": value " + values[i] + " at column " + (i - from)
                        + " of the group is not finite");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return spanning(min, max, bits, where);
    }

    public float offset() {
        return Fp16.decode(offsetBits);
    }

    public float scale() {
        return Fp16.decode(scaleBits);
    }

    /** The nearest code of {@code w}, clamped to the grid. */
    public int code(double w) {
        float s = scale();
        int q = s > 0 ? Math.round(((float) w - offset()) / s) : 0;
        return Math.max(0, Math.min(maxCode, q));
    }

    /** The value code {@code q} stands for. */
    public float value(int q) {
        return offset() + q * scale();
    }
}
