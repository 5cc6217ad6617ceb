package org.pmpdrepro.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A tensor known by name and shape whose values come from {@code values} each time they are asked for (a matrix
 * read from an open file, codes unpacked from bit-planes): nothing is held between calls.
 */
public record DeferredTensor(String name, int[] shape, Supplier<float[]> values, Slices slices)
        implements TensorData {

    /** Reads {@code count} values from {@code from} without the others (a tensor in an open file). */
    @FunctionalInterface
    public interface Slices {
        float[] read(long from, int count);
    }

    /** A tensor whose values come only whole, from {@code values}. */
    public DeferredTensor(String name, int[] shape, Supplier<float[]> values) {
        this(name, shape, values, null);
    }

    public DeferredTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        shape = shape.clone();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The values, checked against the shape. */
    @Override
    public float[] data() {
        float[] d = values.get();
        if (d.length != size()) {
            throw new IllegalStateException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + size() + " values but " + d.length + " were supplied");
        }
        return d;
    }

    /** Values {@code [from, from + count)}: read alone when this tensor has {@link Slices}. */
    @Override
    public float[] data(long from, int count) {
        if (slices == null) {
            return TensorData.super.data(from, count);
        }
        if (from < 0 || count < 0 || from > size() - count) {
            throw new IllegalArgumentException("tensor '" + name + "': values [" + from + ", " + (from + count)
                    + ") outside its " + size());
        }
        float[] d = slices.read(from, count);
        if (d.length != count) {
            throw new IllegalStateException("tensor '" + name + "': " + d.length + " values supplied for a slice of "
                    + count);
        }
        return d;
    }

    @Override
    public Tensor load() {
        return new Tensor(name, shape, data());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeferredTensor t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.values == values && t.slices == slices;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "DeferredTensor[" + name + ", " + Arrays.toString(shape) + "]";
    }
}
