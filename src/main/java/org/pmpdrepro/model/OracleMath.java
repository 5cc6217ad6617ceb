package org.pmpdrepro.model;

/** The oracle's scalar kernels: plain loops, products accumulated in double. */
final class OracleMath {

    private OracleMath() {}

    /** {@code x * rsqrt(mean(x^2) + eps) * w}, as Hugging Face's LlamaRMSNorm. */
    static float[] rmsNorm(float[] x, float[] w, double eps) {
        double sumSq = 0;
        for (float v : x) {
            sumSq += (double) v * v;
        }
        double scale = 1.0 / Math.sqrt(sumSq / x.length + eps);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * scale * w[i]);
        }
        return out;
    }

    /** {@code y = W x} for a row-major {@code W} of {@code rows x cols}. */
    static float[] matVec(float[] w, int rows, int cols, float[] x) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                acc += (double) w[base + c] * x[c];
            }
            y[r] = (float) acc;
        }
        return y;
    }

    static double silu(double x) {
        return x / (1.0 + Math.exp(-x));
    }

    static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /** Index of the largest value, the first one on ties (as {@code torch.argmax}); NaN is an error. */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                throw new IllegalStateException("logit " + i + " is NaN; expected finite logits");
            }
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
