package org.pmpdrepro.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Weights held on the heap, keyed by Hugging Face name.
 *
 * @param config the architecture
 * @param tensors the weights; the map is copied, the arrays inside are not
 * @param label what to call this source in error messages
 */
public record InMemoryWeights(LlamaConfig config, Map<String, Tensor> tensors, String label) implements WeightSource {

    public InMemoryWeights {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException(label + ": key '" + e.getKey() + "' maps to tensor '"
                        + e.getValue().name() + "'; expected a tensor of the same name");
            }
        }
    }

    public InMemoryWeights(LlamaConfig config, Map<String, Tensor> tensors) {
        this(config, tensors, "in-memory weights");
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public int[] shape(String name) throws CheckpointFormatException {
        return tensor(name).shape();
    }

    @Override
    public Tensor tensor(String name) throws CheckpointFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException(label, name, "no such tensor among " + tensors.size());
        }
        return t;
    }

    @Override
    public String origin(String name) {
        return label;
    }
}
