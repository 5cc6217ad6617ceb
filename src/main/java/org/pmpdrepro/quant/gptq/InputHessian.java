package org.pmpdrepro.quant.gptq;

import java.util.Arrays;
import org.pmpdrepro.model.Tensor;

/**
 * GPTQ's layer Hessian {@code H = 2/n * sum x x^T} over the {@code n} calibration inputs {@code x} of one linear
 * layer: the curvature of the layer's squared output error {@code ||WX - QX||_F^2} in its weights, shared by every
 * output row. Symmetric, {@code [size, size]}, row-major, in double.
 *
 * @param size the layer's input features
 * @param samples the number {@code n} of input vectors it was averaged over
 * @param values the matrix, row-major; copied in and out
 */
public record InputHessian(int size, long samples, double[] values) {

    public InputHessian {
        if (size < 1) {
            throw new IllegalArgumentException("Hessian size " + size + ": expected at least one input feature");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("Hessian over " + samples + " samples: expected at least one input");
        }
        if (values.length != (long) size * size) {
            throw new IllegalArgumentException("Hessian of size " + size + " has " + values.length
                    + " values; expected " + (long) size * size);
        }
        values = values.clone();
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double v = values[i * size + j];
                if (!Double.isFinite(v) || v != values[j * size + i]) {
                    throw new IllegalArgumentException("Hessian entry (" + i + ", " + j + ") = " + v
                            + " is not finite or differs from (" + j + ", " + i + ") = " + values[j * size + i]
                            + "; expected a finite symmetric matrix");
                }
            }
        }
    }

    /** {@code 2/n} times the Gram matrix {@code sum x x^T} of {@code n} inputs. */
    public static InputHessian fromGram(int size, long samples, double[] gram) {
        double[] h = new double[gram.length];
        double scale = 2.0 / samples;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                // Symmetrised explicitly: a Gram matrix computed by BLAS may differ in the last bit across the diagonal.
                h[i * size + j] = scale * 0.5 * (gram[i * size + j] + gram[j * size + i]);
            }
        }
        return new InputHessian(size, samples, h);
    }

    /** A Hessian given row by row (hand-made cases). */
    public static InputHessian of(double[][] rows) {
        int n = rows.length;
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException("Hessian row " + i + " has " + rows[i].length
                        + " entries; expected " + n);
            }
            System.arraycopy(rows[i], 0, v, i * n, n);
        }
        return new InputHessian(n, 1, v);
    }

    /** The identity: uncorrelated inputs of equal scale, under which GPTQ reduces to round-to-nearest. */
    public static InputHessian identity(int size) {
        double[] v = new double[size * size];
        for (int i = 0; i < size; i++) {
            v[i * size + i] = 1;
        }
        return new InputHessian(size, 1, v);
    }

    public double get(int i, int j) {
        return values[i * size + j];
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /**
     * {@code sum over rows r of d_r^T H d_r} with {@code d = W - Q}: the squared output error
     * {@code ||WX - QX||_F^2} over the inputs this Hessian was built from, times {@code 2/n}.
     */
    public double outputError(Tensor weight, float[] quantized) {
        if (weight.rank() != 2 || weight.dim(1) != size || quantized.length != weight.data().length) {
            throw new IllegalArgumentException("tensor '" + weight.name() + "' has shape "
                    + Arrays.toString(weight.shape()) + " and " + quantized.length + " quantized values; expected ["
                    + "rows, " + size + "] and as many values");
        }
        int rows = weight.dim(0);
        float[] w = weight.data();
        double total = 0;
        double[] d = new double[size];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < size; c++) {
                d[c] = (double) w[r * size + c] - quantized[r * size + c];
            }
            for (int i = 0; i < size; i++) {
                double hd = 0;
                for (int j = 0; j < size; j++) {
                    hd += values[i * size + j] * d[j];
                }
                total += d[i] * hd;
            }
        }
        return total;
    }
}
