package org.pmpdrepro.model;

import java.util.Arrays;

/** A named fp32 tensor held on the Java heap, row-major. */
public record Tensor(String name, int[] shape, float[] data) implements TensorData {

    public Tensor {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + data.length + " were given");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public Tensor load() {
        return this;
    }

    /** The transpose of a matrix, same name: {@code [rows, cols]} becomes {@code [cols, rows]}, row-major. */
    public Tensor transposed() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("tensor '" + name + "': expected a matrix to transpose, got shape "
                    + Arrays.toString(shape));
        }
        int rows = shape[0];
        int cols = shape[1];
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[r * cols + c];
            }
        }
        return new Tensor(name, new int[] {cols, rows}, t);
    }

    /** Row-major index of the first NaN or infinite value, or -1 when every value is finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The coordinates of row-major element {@code flat}, as {@code [row, column]} for a matrix. */
    public String coordinates(int flat) {
        int[] at = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(at);
    }

    /** The shape as DJL-style {@code long} dimensions. */
    public long[] dims() {
        long[] d = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            d[i] = shape[i];
        }
        return d;
    }
}
