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

    /**
     * {@code y = W x} for a row-major {@code W} of {@code rows x cols}. Four independent partial sums break the
     * add-latency chain (several times faster); in double the changed summation order is immaterial.
     */
    static float[] matVec(float[] w, int rows, int cols, float[] x) {
        float[] y = new float[rows];
        int body = cols & ~3;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            for (int c = 0; c < body; c += 4) {
                a0 += (double) w[base + c] * x[c];
                a1 += (double) w[base + c + 1] * x[c + 1];
                a2 += (double) w[base + c + 2] * x[c + 2];
                a3 += (double) w[base + c + 3] * x[c + 3];
            }
            for (int c = body; c < cols; c++) {
                a0 += (double) w[base + c] * x[c];
            }
            y[r] = (float) ((a0 + a1) + (a2 + a3));
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
