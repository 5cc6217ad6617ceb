package org.pmpdrepro.quant.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.model.DeferredTensor;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TensorData;

/**
 * A quantized model in the form it is saved: named fp32 tensors (integer codes are stored as exact fp32 values,
 * which hold every integer below 2^24) and the method's parameters as strings.
 *
 * <p>A tensor may be deferred ({@link DeferredTensor}): a codec can hand over codes to be unpacked as the store
 * writes them, and the store can hand a codec tensors read from the open file when asked for, so a large model is
 * never held twice over (once decoded, once as fp32 codes).
 *
 * @param method the quantization method, as {@code QuantizedModel.method()}
 * @param parameters everything besides the tensors needed to rebuild the model (bit-widths, group size, ...)
 * @param entries the model's arrays, held or deferred, names unique
 */
public record StoredQuantization(String method, SortedMap<String, String> parameters,
        List<? extends TensorData> entries) {

    public StoredQuantization {
        Objects.requireNonNull(method, "method");
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        // Copies the references only: a deferred tensor is not read here.
        entries = List.copyOf(entries);
    }

    public static StoredQuantization of(String method, Map<String, String> parameters,
            List<? extends TensorData> tensors) {
        return new StoredQuantization(method, new TreeMap<>(parameters), tensors);
    }

    /** Every tensor with its values on the heap (a deferred one read or computed now). */
    public List<Tensor> tensors() {
        return entries.stream().map(TensorData::load).toList();
    }

    /**
     * The tensor {@code name}, which must have {@code shape}; a missing tensor or another shape is an error naming
     * both.
     */
    public Tensor tensor(String name, int[] shape) {
        return entry(name, shape).load();
    }

    /**
     * The entry {@code name}, which must have {@code shape}, its values not read yet (so a codec can read it a slice
     * at a time with {@link TensorData#data(long, int)}); errors as {@link #tensor}.
     */
    public TensorData entry(String name, int[] shape) {
        for (TensorData t : entries) {
            if (t.name().equals(name)) {
                if (!java.util.Arrays.equals(t.shape(), shape)) {
                    throw new IllegalArgumentException(method + " artefact: tensor '" + name + "' has shape "
                            + java.util.Arrays.toString(t.shape()) + "; expected " + java.util.Arrays.toString(shape));
                }
                return t;
            }
        }
        throw new IllegalArgumentException(method + " artefact has no tensor '" + name + "' (expected shape "
                + java.util.Arrays.toString(shape) + "); it has " + entries.size() + " tensors");
    }

    /** The parameter {@code key}; a missing one is an error naming it. */
    public String parameter(String key) {
        String v = parameters.get(key);
        if (v == null) {
            throw new IllegalArgumentException(method + " artefact has no parameter '" + key + "'; it has "
                    + parameters.keySet());
        }
        return v;
    }
}
