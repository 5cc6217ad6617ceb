package org.pmpdrepro.quant;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized form of every matrix of {@link LinearId#all}, keyed by matrix; the part every quantized model
 * shares (lookup with clear errors, and bit-width checks).
 *
 * @param <T> the method's per-matrix representation
 */
public final class QuantizedMatrices<T extends MatrixCost> {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizedMatrices.class);

    /** Quantizes one matrix given its fp32 {@code [out, in]} weight. */
    @FunctionalInterface
    public interface MatrixQuantizer<T> {
        T quantize(LinearId id, Tensor weight) throws IOException;
    }

    private final String method;
    private final LlamaConfig config;
    private final Map<LinearId, T> byId;

    private QuantizedMatrices(String method, LlamaConfig config, Map<LinearId, T> byId) {
        this.method = method;
        this.config = config;
        this.byId = byId;
    }

    /** Reads the matrices of {@code source} one at a time (so the fp32 model is never all on the heap). */
    public static <T extends MatrixCost> QuantizedMatrices<T> quantizeAll(String method, WeightSource source,
            MatrixQuantizer<T> quantizer) throws IOException {
        Map<LinearId, T> out = new LinkedHashMap<>();
        List<LinearId> ids = LinearId.all(source.config());
        long total = 0;
        for (LinearId id : ids) {
            int[] shape = id.shape(source.config());
            total += (long) shape[0] * shape[1];
        }
        // Progress by weights (matrices differ in size): the ETA assumes the same time per weight.
        Progress progress = Progress.of(LOG, method, total, "weights").every(Duration.ofSeconds(10));
        for (LinearId id : ids) {
            Tensor w = source.tensor(id.weightName());
            if (w.rank() != 2) {
                throw new IllegalArgumentException(source.origin(id.weightName()) + ": tensor '" + id.weightName()
                        + "' has shape " + Arrays.toString(w.shape()) + "; expected a matrix [out, in]");
            }
            out.put(id, quantizer.quantize(id, w));
            progress.advance(w.size(), () -> out.size() + "/" + ids.size() + " matrices");
        }
        return new QuantizedMatrices<>(method, source.config(), Map.copyOf(out));
    }

    /**
     * Matrices already quantized (a decoded artefact, say): {@code byId} must hold exactly the matrices of
     * {@link LinearId#all} of {@code config}.
     */
    public static <T extends MatrixCost> QuantizedMatrices<T> of(String method, LlamaConfig config, Map<LinearId, T> byId) {
        for (LinearId id : LinearId.all(config)) {
            if (byId.get(id) == null) {
                throw new IllegalArgumentException(method + ": no quantized matrix " + id);
            }
        }
        if (byId.size() != LinearId.all(config).size()) {
            throw new IllegalArgumentException(method + ": " + byId.size() + " quantized matrices given; the model has "
                    + LinearId.all(config).size());
        }
        return new QuantizedMatrices<>(method, config, Map.copyOf(byId));
    }

    public LlamaConfig config() {
        return config;
    }

    /** The quantized matrix {@code proj} of block {@code layer}. */
    public T get(int layer, Linear proj) {
        if (layer < 0 || layer >= config.numLayers()) {
            throw new IllegalArgumentException(method + ": layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        return byId.get(new LinearId(layer, proj));
    }

    public Collection<T> all() {
        return byId.values();
    }

    /** Fails unless {@code bits} is one of {@code served}. */
    public void requireServed(int bits, SortedSet<Integer> served) {
        if (!served.contains(bits)) {
            throw new IllegalArgumentException(method + " serves bit-widths " + served + ", not " + bits);
        }
    }
}
