package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant for graph code that autograd may differentiate (the shared forward pass, fake
 * quantization).
 *
 * <p>Why not DJL's {@code NDArray.mul(Number)}: on the PyTorch CPU back-end it wraps the number in a tensor that
 * borrows a Java direct buffer (no copy) and closes that tensor as soon as the operation returns. Multiplication and
 * power save their operands for the backward pass, so the graph keeps pointing into the buffer; once the garbage
 * collector frees it and the memory is reused, backward reads whatever is there. Gradients then depend on collection
 * timing: they differ between processes and between busy and idle machines, and turn NaN now and then. (Measured
 * here: with a collection and fresh allocations between forward and backward, {@code x.mul(3f)} gave NaN gradients in
 * 20 of 20 trials; the same product with a tensor from {@link NDManager#full} gave the right gradient in all 20.)
 *
 * <p>The operands made here are allocated by PyTorch, which keeps them alive for as long as the graph refers to them,
 * and hold the same value as the number, so results are bit-identical to the {@code Number} overloads.
 */
public final class ScalarOperands {

    private ScalarOperands() {}

    /** {@code x * c}. */
    public static NDArray mul(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.mul(s);
        }
    }

    /** {@code x + c}. */
    public static NDArray add(NDArray x, float c) {
        try (NDArray s = constant(x, c)) {
            return x.add(s);
        }
    }

    /** {@code x ^ e}. */
    public static NDArray pow(NDArray x, float e) {
        try (NDArray s = constant(x, e)) {
            return x.pow(s);
        }
    }

    /**
     * A 0-d tensor holding {@code value} in {@code like}'s data type and on its device, owned by the engine. Closing
     * the returned array releases only this handle: a graph that saved the tensor keeps it alive.
     */
    public static NDArray constant(NDArray like, float value) {
        NDManager manager = like.getManager();
        NDArray s = manager.full(new Shape(), value, like.getDataType());
        // The manager's device is a Java field; asking the new array would be one more native call per constant.
        if (!manager.getDevice().equals(like.getDevice())) {
            NDArray moved = s.toDevice(like.getDevice(), false);
            s.close();
            return moved;
        }
        return s;
    }
}
