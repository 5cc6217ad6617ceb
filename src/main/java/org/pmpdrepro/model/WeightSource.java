package org.pmpdrepro.model;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;

/**
 * The configuration and named fp32 weights of a Llama decoder, wherever they live (a checkpoint directory,
 * memory). Tensors are fetched one at a time, so a caller that converts them (to DJL arrays, to a quantized
 * form) never needs the whole fp32 model on the heap.
 */
public interface WeightSource extends AutoCloseable {

    LlamaConfig config();

    /** Names of all tensors the source holds, including ones the architecture ignores. */
    Set<String> names();

    /** Shape of a tensor without reading its data; a missing name raises {@link CheckpointFormatException}. */
    int[] shape(String name) throws IOException;

    /**
     * The tensor widened to fp32; a missing name, an element type that cannot hold weights, or a NaN or infinite
     * value raises {@link CheckpointFormatException}.
     */
    Tensor tensor(String name) throws IOException;

    /** The element type a tensor is stored in (fp32 for weights held in memory). */
    default DType dtype(String name) throws IOException {
        return DType.F32;
    }

    /** Where a tensor lives (or would live, when absent), for error messages: usually a file path. */
    String origin(String name);

    /**
     * Checks that every tensor the architecture needs ({@link LlamaWeightLayout#expected}) is present with
     * the shape the configuration implies and a floating-point element type. Extra tensors (such as
     * {@code rotary_emb.inv_freq}) are ignored.
     */
    default void validate() throws IOException {
        Set<String> names = names();
        // Lazily: a configuration claiming billions of layers fails at the first tensor the file lacks.
        Iterator<LlamaWeightLayout.Expected> expected = LlamaWeightLayout.stream(config()).iterator();
        while (expected.hasNext()) {
            LlamaWeightLayout.Expected e = expected.next();
            if (!names.contains(e.name())) {
                throw new CheckpointFormatException(origin(e.name()), e.name(), "missing; the configuration needs it"
                        + " with shape " + Arrays.toString(e.shape()) + " = " + e.meaning());
            }
            int[] actual = shape(e.name());
            if (!e.matches(actual)) {
                throw new CheckpointFormatException(origin(e.name()), e.name(), "has shape "
                        + Arrays.toString(actual) + "; the configuration implies " + Arrays.toString(e.shape())
                        + " = " + e.meaning());
            }
            WeightChecks.requireWeightType(origin(e.name()), e.name(), dtype(e.name()));
        }
    }

    @Override
    default void close() throws IOException {}
}
