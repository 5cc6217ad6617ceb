package org.pmpdrepro.quant.bitmixer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/**
 * Bit-Mixer's named mixed per-layer policies, one between each pair of adjacent widths {@code lo < hi}, named
 * {@code bit-mixer-<lo>.5}: every block's {@link MatrixGroup}s start at {@code hi}, and groups are lowered to
 * {@code lo} one at a time, least harmed first, until the parameter-weighted average is at most {@code lo + 0.5}.
 * Harm is the increase in relative squared weight error {@code (|W_lo - W|^2 - |W_hi - W|^2) / |W|^2} of the group's
 * latent weights; ties go to the earlier group in forward order. A rule on the weights alone: deterministic, no seed.
 *
 * <p>A group keeps one width, so the norm in front of it ({@code BlockNorm#follows()}) is served at that width.
 */
final class BitMixerPolicies {

    static final String PREFIX = "bit-mixer-";

    private BitMixerPolicies() {}

    /** The harm of lowering one group of one block. */
    private record Candidate(int layer, MatrixGroup group, double harm, int order) {}

    /** The error of a matrix served at a width: squared error, given the latent weight. */
    @FunctionalInterface
    interface ErrorOf {
        double squaredError(LinearId id, int bits);
    }

    static Map<String, BitPolicy> choose(LlamaConfig config, SortedSet<Integer> widths, ErrorOf error,
            Map<LinearId, Double> squaredNorms) {
        Map<String, BitPolicy> out = new LinkedHashMap<>();
        List<Integer> list = List.copyOf(widths);
        for (int i = list.size() - 1; i >= 1; i--) {
            int lo = list.get(i - 1);
            int hi = list.get(i);
            if (hi != lo + 1) {
                continue;
            }
            BitPolicy p = between(config, lo, hi, error, squaredNorms);
            out.put(p.name(), p);
        }
        return out;
    }

    private static BitPolicy between(LlamaConfig config, int lo, int hi, ErrorOf error,
            Map<LinearId, Double> squaredNorms) {
        List<Candidate> candidates = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            for (MatrixGroup g : MatrixGroup.values()) {
                double added = 0;
                double norm = 0;
                for (Linear proj : g.members()) {
                    LinearId id = new LinearId(l, proj);
                    added += error.squaredError(id, lo) - error.squaredError(id, hi);
                    norm += squaredNorms.get(id);
                }
                candidates.add(new Candidate(l, g, added / norm, candidates.size()));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::harm).thenComparingInt(Candidate::order));
        Map<LinearId, Integer> bits = new LinkedHashMap<>();
        LinearId.all(config).forEach(id -> bits.put(id, hi));
        double target = lo + 0.5;
        String name = PREFIX + lo + ".5";
        for (Candidate c : candidates) {
            if (BitPolicy.of(name, bits).averageBits(config) <= target + 1e-12) {
                break;
            }
            for (Linear proj : c.group().members()) {
                bits.put(new LinearId(c.layer(), proj), lo);
            }
        }
        return BitPolicy.of(name, bits);
    }

    /** Fails unless every block keeps q, k, v at one width and gate, up at one width. */
    static void requireGrouped(BitPolicy policy, LlamaConfig config) {
        policy.requireCovers(config);
        for (int l = 0; l < config.numLayers(); l++) {
            for (MatrixGroup g : MatrixGroup.values()) {
                int first = policy.bitsFor(new LinearId(l, g.members().get(0)));
                for (Linear proj : g.members()) {
                    int b = policy.bitsFor(new LinearId(l, proj));
                    if (b != first) {
                        throw new IllegalArgumentException("policy '" + policy.name() + "' serves "
                                + new LinearId(l, proj) + " at " + b + " bits but "
                                + new LinearId(l, g.members().get(0)) + " at " + first + "; Bit-Mixer keeps the "
                                + g + " group of a block at one width, since one norm gain feeds it");
                    }
                }
            }
        }
    }
}
