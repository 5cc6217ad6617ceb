package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Consumer;

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
        return owned(manager, shape, values -> values.put(data));
    }

    /**
     * The transpose {@code [cols, rows]} of the row-major {@code [rows, cols]} matrix {@code data}, written into the
     * engine's memory without a transposed copy on the Java heap.
     */
    public static NDArray ownedTransposed(NDManager manager, float[] data, int rows, int cols) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(data.length + " values for a [" + rows + ", " + cols + "] matrix");
        }
        return owned(manager, new Shape(cols, rows), dst -> putTransposed(data, rows, cols, dst, rows, 0));
    }

    /**
     * Element {@code [r][c]} of the row-major {@code [rows, cols]} matrix {@code data} into
     * {@code dst[c * width + offset + r]}: the matrix transposed into columns {@code offset..} of a row-major
     * {@code [cols, width]} buffer.
     */
    public static void putTransposed(float[] data, int rows, int cols, FloatBuffer dst, int width, int offset) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst.put(c * width + offset + r, data[r * cols + c]);
            }
        }
    }

    /**
     * A float32 array of {@code shape} whose values {@code fill} writes, row-major, into the buffer it is given
     * (positioned at 0, as many floats as the shape holds, unwritten ones 0): an array built from parts, or
     * transposed, goes from its parts to the engine without a whole copy of it on the Java heap. Owned by
     * {@code manager} and not by any open NDScope.
     */
    public static NDArray owned(NDManager manager, Shape shape, Consumer<FloatBuffer> fill) {
        int bytes = Math.multiplyExact(Math.toIntExact(shape.size()), Float.BYTES);
        synchronized (EngineArrays.class) {
            if (staging.capacity() < bytes) {
                staging = ByteBuffer.allocateDirect(bytes);
            }
            ByteBuffer view = staging.duplicate().clear().limit(bytes).slice().order(ByteOrder.nativeOrder());
            FloatBuffer values = view.asFloatBuffer();
            for (int i = 0; i < values.capacity(); i++) {
                values.put(i, 0f);
            }
            fill.accept(values);
            try (NDArray wrapped = manager.create(view, shape, DataType.FLOAT32)) {
                NDArray owned = wrapped.duplicate();
                // Often made inside a forward step's NDScope; the caller, not the step, owns it.
                NDScope.unregister(owned);
                return owned;
            }
        }
    }
}
