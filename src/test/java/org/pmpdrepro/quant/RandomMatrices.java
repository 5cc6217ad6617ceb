package org.pmpdrepro.quant;

import java.util.Arrays;
import java.util.Random;
import org.pmpdrepro.model.Tensor;

/** Seeded random matrices and the weighted reconstruction error the quantizer tests compare. */
public final class RandomMatrices {

    private RandomMatrices() {}

    /** {@code [rows, cols]} with N(0, 1) entries. */
    public static Tensor gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new Tensor("w", new int[] {rows, cols}, data);
    }

    /** {@code [rows, cols]} of Exp(1) sensitivities: positive, spread over an order of magnitude and more. */
    public static Tensor exponentialSensitivity(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) -Math.log(1 - random.nextDouble());
        }
        return new Tensor("f", new int[] {rows, cols}, data);
    }

    public static Tensor ones(int rows, int cols) {
        float[] data = new float[rows * cols];
        Arrays.fill(data, 1f);
        return new Tensor("f", new int[] {rows, cols}, data);
    }

    /** {@code sum f (w - q)^2}. */
    public static double weightedError(Tensor w, float[] q, Tensor f) {
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            double d = w.data()[i] - q[i];
            sum += f.data()[i] * d * d;
        }
        return sum;
    }
}
