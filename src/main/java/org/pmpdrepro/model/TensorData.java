package org.pmpdrepro.model;

/**
 * A named fp32 tensor whose values may be held ({@link Tensor}) or read or computed only when asked for
 * ({@link DeferredTensor}): what a writer streams one tensor at a time, so a file of many large tensors never has
 * all of them in memory at once.
 */
public interface TensorData {

    String name();

    /** Dimensions, outermost first. */
    int[] shape();

    /** The values, row-major; a deferred tensor reads or computes them on every call. */
    float[] data();

    /** Number of values, from the shape (without reading them). */
    default long size() {
        long n = 1;
        for (int d : shape()) {
            n *= d;
        }
        return n;
    }

    /**
     * Values {@code [from, from + count)} in row-major order. The default takes them from {@link #data()}; a tensor
     * in an open file reads only them.
     */
    default float[] data(long from, int count) {
        if (from < 0 || count < 0 || from > size() - count) {
            throw new IllegalArgumentException("tensor '" + name() + "': values [" + from + ", " + (from + count)
                    + ") outside its " + size());
        }
        return java.util.Arrays.copyOfRange(data(), (int) from, (int) from + count);
    }

    /** This tensor with its values on the heap. */
    default Tensor load() {
        return new Tensor(name(), shape(), data());
    }
}
