package org.pmpdrepro.quant;

import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * A mixed-precision policy: the bit-width of every quantized matrix ({@link LinearId#all}), known to the decoder
 * by {@link #name()}. Mixed-precision back-bones (HAQ, Bit-Mixer) publish theirs through
 * {@link QuantizedModel#policies()}; the decoder selects one with {@link #precision(LlamaConfig)}.
 */
public record BitPolicy(String name, SortedMap<LinearId, Integer> bits) {

    private static final Comparator<LinearId> FORWARD_ORDER =
            Comparator.comparingInt(LinearId::layer).thenComparing(LinearId::proj);

    public BitPolicy {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.endsWith("bit") || name.equals(Precision.FULL.label())) {
            throw new IllegalArgumentException("policy name '" + name
                    + "' is blank or looks like a uniform precision label; expected a name such as 'haq-high'");
        }
        SortedMap<LinearId, Integer> copy = new TreeMap<>(FORWARD_ORDER);
        bits.forEach((id, b) -> {
            if (b == null || b < 1 || b > 16) {
                throw new IllegalArgumentException("policy '" + name + "': " + id + " has bit-width " + b
                        + "; expected 1..16");
            }
            copy.put(id, b);
        });
        bits = Collections.unmodifiableSortedMap(copy);
    }

    /** A policy from an unordered map. */
    public static BitPolicy of(String name, Map<LinearId, Integer> bits) {
        SortedMap<LinearId, Integer> sorted = new TreeMap<>(FORWARD_ORDER);
        sorted.putAll(bits);
        return new BitPolicy(name, sorted);
    }

    /** Every matrix of {@code config} at {@code width}. */
    public static BitPolicy uniform(String name, LlamaConfig config, int width) {
        SortedMap<LinearId, Integer> all = new TreeMap<>(FORWARD_ORDER);
        for (LinearId id : LinearId.all(config)) {
            all.put(id, width);
        }
        return new BitPolicy(name, all);
    }

    /** The bit-width of {@code id}; a matrix the policy does not name is an error. */
    public int bitsFor(LinearId id) {
        Integer b = bits.get(id);
        if (b == null) {
            throw new IllegalArgumentException("policy '" + name + "' gives no bit-width for " + id);
        }
        return b;
    }

    /** Checks that the policy names exactly the quantized matrices of {@code config}. */
    public BitPolicy requireCovers(LlamaConfig config) {
        for (LinearId id : LinearId.all(config)) {
            bitsFor(id);
        }
        if (bits.size() != LinearId.all(config).size()) {
            throw new IllegalArgumentException("policy '" + name + "' names " + bits.size()
                    + " matrices; the model has " + LinearId.all(config).size());
        }
        return this;
    }

    /** Number of weights of {@code proj} in a block of {@code config}. */
    public static long parameters(LlamaConfig config, Linear proj) {
        long h = config.hiddenSize();
        return switch (proj) {
            case Q, O -> h * h;
            case K, V -> h * config.kvDim();
            case GATE, UP, DOWN -> h * config.intermediateSize();
        };
    }

    /** Parameter-weighted mean bit-width over the quantized matrices: the paper's average bit-width of a step. */
    public double averageBits(LlamaConfig config) {
        requireCovers(config);
        double weighted = 0;
        long total = 0;
        for (Map.Entry<LinearId, Integer> e : bits.entrySet()) {
            long n = parameters(config, e.getKey().proj());
            weighted += (double) n * e.getValue();
            total += n;
        }
        return weighted / total;
    }

    /** The decoder precision that selects this policy. */
    public Precision precision(LlamaConfig config) {
        return new Precision(name, averageBits(config));
    }
}
