package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import org.pmpdrepro.decode.ScalarOperands;

/**
 * The symmetric signed LSQ grid Bit-Mixer quantizes weights on: at {@code b} bits the codes are
 * {@code -2^(b-1) .. 2^(b-1) - 1} and a weight is {@code code * step}, one learned step per output row and bit-width.
 *
 * <p>Symmetric, with no offset, because that is the weight quantizer of LSQ on which Bit-Mixer builds, because
 * linear-layer rows of a trained Llama are centred on zero (so an offset buys little), and because zero stays
 * exactly representable at every width. The price is one unused level at the positive end (at 2 bits the grid is
 * {@code -2s, -s, 0, s}).
 */
public final class LsqGrid {

    private LsqGrid() {}

    /** The most negative code at {@code bits}, as a positive count: {@code 2^(bits-1)}. */
    public static int negativeLevels(int bits) {
        requireBits(bits);
        return 1 << (bits - 1);
    }

    /** The most positive code at {@code bits}: {@code 2^(bits-1) - 1}. */
    public static int positiveLevels(int bits) {
        requireBits(bits);
        return (1 << (bits - 1)) - 1;
    }

    static void requireBits(int bits) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bit-width " + bits + " outside 2..8");
        }
    }

    /** The code of {@code weight} at {@code step}: round half to even of {@code weight / step}, clipped to the grid. */
    public static int code(float weight, float step, int bits) {
        double v = Math.rint(weight / step);
        return (int) Math.max(-negativeLevels(bits), Math.min(positiveLevels(bits), v));
    }

    /**
     * LSQ's gradient scale for a step shared by {@code weightsPerStep} weights: {@code 1 / sqrt(n * Qp)}, which
     * keeps the step's updates in proportion to the weights' (Esser et al., section 2.2).
     */
    public static float gradientScale(int weightsPerStep, int bits) {
        return (float) (1.0 / Math.sqrt((double) weightsPerStep * positiveLevels(bits)));
    }

    /**
     * Fake quantization of {@code weight} with a straight-through estimator, differentiable in both arguments.
     *
     * <p>Forward: {@code round(clip(w / s, -Qn, Qp)) * s}. Backward: {@code d/dw} is 1 inside the clipping range and
     * 0 outside; {@code d/ds} is {@code round(w/s) - w/s} inside, {@code -Qn} below and {@code Qp} above, times
     * {@code gradScale}. Rounding goes through a detached residual, so autograd sees only the clip.
     *
     * @param weight any shape
     * @param step broadcastable to {@code weight} (for a transposed {@code [in, out]} matrix, {@code [1, out]})
     */
    public static NDArray fakeQuantize(NDArray weight, NDArray step, int bits, float gradScale) {
        // Forward value s, backward gradient scaled: s*g + (s - s*g) with the second term detached.
        // The constant goes through ScalarOperands: autograd saves it, and DJL's mul(Number) lets it be freed early.
        NDArray scaled = ScalarOperands.mul(step, gradScale);
        NDArray scaledStep = scaled.add(step.sub(scaled).stopGradient());
        // The weight-sized intermediates are closed as soon as they are used: DJL would keep each until the training
        // step's scope closes, and a step holds every matrix's at once. Closing releases only the handle, so what the
        // graph saved for the backward pass (the quotient for the clip, the sum for the product) stays alive.
        NDArray quotient = weight.div(scaledStep);
        NDArray clipped = quotient.clip(-negativeLevels(bits), positiveLevels(bits));
        quotient.close();
        NDArray rounded = clipped.round();
        NDArray difference = rounded.sub(clipped);
        rounded.close();
        NDArray roundingResidual = difference.stopGradient();
        difference.close();
        NDArray sum = clipped.add(roundingResidual);
        clipped.close();
        roundingResidual.close();
        NDArray out = sum.mul(scaledStep);
        sum.close();
        return out;
    }

    /**
     * The step minimising the squared error of quantizing {@code row} at {@code bits}, searched over
     * {@code alpha * max|w| / Qn} for alpha on a fixed grid: a deterministic starting point for fine-tuning (LSQ's
     * {@code 2 mean|w| / sqrt(Qp)} is poor at two bits, where {@code Qp} is 1).
     */
    public static float initialStep(float[] row, int from, int length, int bits) {
        float maxAbs = 0;
        for (int i = from; i < from + length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(row[i]));
        }
        if (maxAbs == 0) {
            return 1e-4f;
        }
        float best = maxAbs / negativeLevels(bits);
        double bestError = Double.POSITIVE_INFINITY;
        for (int k = 20; k <= 200; k++) {
            float step = (float) (k / 100.0 * maxAbs / negativeLevels(bits));
            double error = 0;
            for (int i = from; i < from + length; i++) {
                double d = row[i] - code(row[i], step, bits) * (double) step;
                error += d * d;
            }
            if (error < bestError) {
                bestError = error;
                best = step;
            }
        }
        return best;
    }
}
