package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Arrays made from Java data whose memory the engine owns and frees when they are closed.
 *
 * <p>DJL's PyTorch engine builds an array from Java data on top of a direct buffer that only the garbage collector
 * frees; closing the array leaves the buffer behind until a collection runs, which a job that mostly allocates off
 * the heap may not trigger for gigabytes (loading a 1.1B model held its weights twice; GPTQ's blocks, closed and
 * replaced one after another, piled up). Here the data goes through one reused staging buffer and the engine copies
 * it into memory of its own: nothing is left for the collector, and the values are the same bits.
 */
public final class EngineArrays {

    private static ByteBuffer staging = ByteBuffer.allocateDirect(0);

    private EngineArrays() {}

    /** A float32 array of {@code data} in {@code shape}, owned by {@code manager} and not by any open NDScope. */
    public static NDArray owned(NDManager manager, float[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + shape);
        }
        int bytes = Math.multiplyExact(data.length, Float.BYTES);
        synchronized (EngineArrays.class) {
            if (staging.capacity() < bytes) {
                staging = ByteBuffer.allocateDirect(bytes);
            }
            ByteBuffer view = staging.duplicate().clear().limit(bytes).slice().order(ByteOrder.nativeOrder());
            view.asFloatBuffer().put(data);
            try (NDArray wrapped = manager.create(view, shape, DataType.FLOAT32)) {
                NDArray owned = wrapped.duplicate();
                // Often made inside a forward step's NDScope; the caller, not the step, owns it.
                NDScope.unregister(owned);
                return owned;
            }
        }
    }
}
