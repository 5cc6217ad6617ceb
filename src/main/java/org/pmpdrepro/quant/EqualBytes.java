package org.pmpdrepro.quant;

import org.pmpdrepro.model.LlamaConfig;

/**
 * The reference of the equal-bytes comparison: what Any-Precision reads per decode step at a width, and how close
 * another back-bone must come to it. The ablations compare the PTQ methods at equal weight bytes read per token
 * (codes and every side table), so each method spends Any-Precision's bytes at a nominal width its own way: GPTQ and
 * round-to-nearest on group scales, HAQ and Bit-Mixer on wider codes for some matrices.
 */
public final class EqualBytes {

    /** The largest relative difference from Any-Precision's bytes at which two back-bones count as equal. */
    public static final double TOLERANCE = 0.03;

    private EqualBytes() {}

    /**
     * Any-Precision's weight bytes per decode step at {@code bits} on a model of {@code config}: packed codes and
     * {@code 2^bits} fp16 centroids per row of every quantized matrix ({@link MatrixCost#centroidTables}).
     */
    public static long anyPrecisionBytes(LlamaConfig config, int bits) {
        long total = 0;
        for (LinearId id : LinearId.all(config)) {
            int[] shape = id.shape(config);
            total += MatrixCost.centroidTables(shape[0], shape[1]).bytesRead(bits);
        }
        return total;
    }

    /** {@code bytes / reference - 1}: how far a back-bone's bytes are from the reference's. */
    public static double relativeDifference(double bytes, double reference) {
        return bytes / reference - 1;
    }
}
