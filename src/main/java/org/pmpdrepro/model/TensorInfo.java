package org.pmpdrepro.model;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header, already validated.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape its dimensions (row-major)
 * @param begin start of its bytes, relative to the start of the data region
 * @param end end (exclusive) of its bytes, relative to the start of the data region
 */
public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
        long expected = elementCount(shape) * dtype.bytes();
        if (begin < 0 || end - begin != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': byte range [" + begin + ", " + end
                    + ") does not hold " + Arrays.toString(shape) + " elements of " + dtype);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements, the product of the shape (1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    public long byteLength() {
        return end - begin;
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape) + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
