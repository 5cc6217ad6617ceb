package org.pmpdrepro.quant.haq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/**
 * Every (matrix, bit-width) quantized at most once: a search tries thousands of policies over the same few
 * hundred quantized matrices, so an episode only assembles what earlier ones built. Not thread-safe; one search
 * owns one cache.
 *
 * <p>With a spill directory each quantized matrix goes to a file there as soon as it is made and is read back one
 * matrix at a time when a model is built, so the heap holds one matrix, not every width of every matrix (about 7
 * bytes per weight once a search has tried widths 2 to 8). Without one they stay on the heap (small models).
 */
final class MatrixCache {

    private record Key(LinearId id, int bits) {}

    private final WeightSource source;
    private final QuantScheme scheme;
    private final Map<Key, QuantizedRows> cache = new HashMap<>();
    private final Path spill;

    /** A cache of {@code source}'s matrices in {@code scheme}; {@code spill} (an existing directory) or null. */
    MatrixCache(WeightSource source, QuantScheme scheme, Path spill) {
        this.source = source;
        this.scheme = scheme;
        this.spill = spill;
    }

    LlamaConfig config() {
        return source.config();
    }

    QuantScheme scheme() {
        return scheme;
    }

    QuantizedRows get(LinearId id, int bits) {
        Key key = new Key(id, bits);
        QuantizedRows q = cache.get(key);
        if (q == null) {
            q = QuantizedRows.quantize(weight(id), bits, scheme);
            if (spill != null) {
                q = q.spillTo(spill.resolve(id.weightName() + "." + bits + "bit." + scheme.id()));
            }
            cache.put(key, q);
        }
        return q;
    }

    private Tensor weight(LinearId id) {
        try {
            Tensor w = source.tensor(id.weightName());
            if (w.rank() != 2) {
                throw new IllegalArgumentException(source.origin(id.weightName()) + ": tensor '" + id.weightName()
                        + "' has shape " + Arrays.toString(w.shape()) + "; expected a matrix [out, in]");
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + id.weightName() + " from " + source.origin(
                    id.weightName()), e);
        }
    }

    /** The model serving {@code policies}: every matrix at every width any of them uses. */
    HaqModel model(Map<String, BitPolicy> policies) {
        SortedSet<Integer> widths = new TreeSet<>();
        policies.values().forEach(p -> widths.addAll(p.bits().values()));
        Map<LinearId, Map<Integer, QuantizedRows>> matrices = new HashMap<>();
        for (LinearId id : LinearId.all(config())) {
            Map<Integer, QuantizedRows> byBits = new TreeMap<>();
            for (int b : widths) {
                byBits.put(b, get(id, b));
            }
            matrices.put(id, byBits);
        }
        return new HaqModel(config(), scheme, matrices, policies);
    }
}
