package org.pmpdrepro.model;

/**
 * Rotary position embeddings in the Hugging Face Llama convention ("rotate half"): within a head, dimension
 * {@code i} is paired with {@code i + headDim/2}, rotated by the angle {@code pos * theta^(-2i/headDim)}.
 * Equivalently {@code x' = x*cos + rotate_half(x)*sin} with {@code rotate_half([x1, x2]) = [-x2, x1]}.
 * Angles and rotations are computed in double so the oracle adds no error of its own.
 */
public final class Rope {

    private final int headDim;
    private final double[] invFreq;

    public Rope(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + headDim + "; expected a positive even number");
        }
        if (!(theta > 0)) {
            throw new IllegalArgumentException("rope theta " + theta + "; expected a positive number");
        }
        this.headDim = headDim;
        this.invFreq = new double[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        }
    }

    public static Rope of(LlamaConfig config) {
        return new Rope(config.headDim(), config.ropeTheta());
    }

    public int headDim() {
        return headDim;
    }

    /** Inverse frequency of pair {@code i} (dimensions {@code i} and {@code i + headDim/2}). */
    public double invFreq(int i) {
        return invFreq[i];
    }

    /** Rotates, in place, {@code heads} consecutive head vectors of {@code v} for position {@code pos}. */
    public void apply(float[] v, int heads, int pos) {
        if (v.length != heads * headDim) {
            throw new IllegalArgumentException("vector of " + v.length + " values; expected " + heads + " heads x "
                    + headDim);
        }
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = pos * invFreq[i];
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int a = h * headDim + i;
                int b = a + half;
                double x1 = v[a];
                double x2 = v[b];
                v[a] = (float) (x1 * cos - x2 * sin);
                v[b] = (float) (x2 * cos + x1 * sin);
            }
        }
    }

    /** A rotated copy of one head vector. */
    public float[] rotate(float[] head, int pos) {
        float[] out = head.clone();
        apply(out, 1, pos);
        return out;
    }
}
