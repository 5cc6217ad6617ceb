package org.pmpdrepro.quant.haq;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.MemoryFootprint;
import org.pmpdrepro.quant.PolicyFootprint;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.StorageLayout;

/**
 * A HAQ-quantized model: every matrix quantized separately at each width any of its named policies uses (so the
 * uniform widths of {@link #bitWidths()} are served too), and the policies themselves. Immutable.
 */
public final class HaqModel implements QuantizedModel {

    static final String METHOD = "haq";

    private final LlamaConfig config;
    private final QuantScheme scheme;
    private final SortedSet<Integer> bitWidths;
    private final Map<LinearId, Map<Integer, QuantizedRows>> matrices;
    private final Map<String, BitPolicy> policies;

    HaqModel(LlamaConfig config, QuantScheme scheme, Map<LinearId, ? extends Map<Integer, QuantizedRows>> matrices,
            Map<String, BitPolicy> policies) {
        this.config = config;
        this.scheme = scheme;
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("haq: a model needs at least one policy");
        }
        SortedSet<Integer> widths = new TreeSet<>();
        Map<String, BitPolicy> named = new LinkedHashMap<>();
        for (Map.Entry<String, BitPolicy> e : new TreeMap<>(policies).entrySet()) {
            BitPolicy p = e.getValue().requireCovers(config);
            if (!p.name().equals(e.getKey())) {
                throw new IllegalArgumentException("haq: policy '" + p.name() + "' is filed as '" + e.getKey() + "'");
            }
            widths.addAll(p.bits().values());
            named.put(e.getKey(), p);
        }
        Map<LinearId, Map<Integer, QuantizedRows>> copy = new HashMap<>();
        for (LinearId id : LinearId.all(config)) {
            Map<Integer, QuantizedRows> byBits = matrices.get(id);
            Map<Integer, QuantizedRows> kept = new TreeMap<>();
            for (int b : widths) {
                QuantizedRows q = byBits == null ? null : byBits.get(b);
                if (q == null || q.bits() != b || q.scheme() != scheme) {
                    throw new IllegalArgumentException("haq: " + id + " has no " + scheme.id() + " matrix at " + b
                            + " bits; the policies " + named.keySet() + " use widths " + widths);
                }
                kept.put(b, q);
            }
            copy.put(id, Collections.unmodifiableMap(kept));
        }
        this.bitWidths = Collections.unmodifiableSortedSet(widths);
        this.matrices = Map.copyOf(copy);
        this.policies = Collections.unmodifiableMap(named);
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    public QuantScheme scheme() {
        return scheme;
    }

    /** Every width any policy uses. */
    @Override
    public SortedSet<Integer> bitWidths() {
        return bitWidths;
    }

    @Override
    public Map<String, BitPolicy> policies() {
        return policies;
    }

    @Override
    public Tensor dequantized(int layer, Linear proj, int bits) {
        return rows(new LinearId(requireLayer(layer), proj), bits).dequantize(proj.weight(layer));
    }

    /** The quantized form of {@code id} at {@code bits}, one of {@link #bitWidths()}. */
    QuantizedRows rows(LinearId id, int bits) {
        requireLayer(id.layer());
        if (!bitWidths.contains(bits)) {
            throw new IllegalArgumentException("haq serves bit-widths " + bitWidths + ", not " + bits + " (" + id
                    + ")");
        }
        return matrices.get(id).get(bits);
    }

    private int requireLayer(int layer) {
        if (layer < 0 || layer >= config.numLayers()) {
            throw new IllegalArgumentException("haq: layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        return layer;
    }

    /** Uniform widths: each is one more separate model of every matrix. */
    @Override
    public MemoryFootprint memory(Set<Integer> precisions) {
        return MemoryFootprint.of(METHOD, StorageLayout.SEPARATE_MODELS,
                matrices.values().stream().map(m -> {
                    QuantizedRows any = m.values().iterator().next();
                    return new SchemeCost(any.rows(), any.cols(), scheme);
                }).toList(), precisions, bitWidths);
    }

    /**
     * Memory of serving the named policies: each distinct (matrix, width) they need is resident once; a policy's
     * decode step reads every matrix at its width.
     */
    @Override
    public Optional<PolicyFootprint> policyMemory(Set<String> names) {
        return Optional.of(PolicyFootprint.separate(METHOD, policies, names, this::rows));
    }
}
