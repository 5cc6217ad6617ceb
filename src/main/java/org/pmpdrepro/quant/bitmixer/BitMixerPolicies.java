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
import org.pmpdrepro.quant.EqualBytes;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.MatrixCost;

/**
 * Bit-Mixer's named mixed per-layer policies, one per nominal width {@code lo} whose next width {@code hi = lo + 1}
 * it also serves, named {@code bit-mixer-<lo>}: the mix of {@code lo} and {@code hi} that reads at most
 * Any-Precision's bytes at {@code lo} ({@link EqualBytes#anyPrecisionBytes}), codes and steps counted. Bit-Mixer's
 * side table is one fp16 step per row, so at a uniform width it reads less than Any-Precision with its
 * {@code 2^bits} centroids per row; the mix spends the difference on wider codes, which is Bit-Mixer's own feature
 * (per-layer widths chosen at run time).
 *
 * <p>Every block's {@link MatrixGroup}s start at {@code hi}; groups are lowered to {@code lo} one at a time, least
 * harmed first, until the policy fits; then the lowered groups, most harmed first, are raised back wherever that
 * still fits, so the last lowering does not leave a large part of the budget unused. Harm is the increase in
 * relative squared weight error {@code (|W_lo - W|^2 - |W_hi - W|^2) / |W|^2} of the group's latent weights; ties
 * go to the earlier group in forward order. A rule on the weights alone: deterministic, no seed.
 *
 * <p>A group keeps one width, so the norm in front of it ({@code BlockNorm#follows()}) is served at that width.
 */
final class BitMixerPolicies {

    static final String PREFIX = "bit-mixer-";

    private BitMixerPolicies() {}

    /** The harm of lowering one group of one block, and the bytes it saves. */
    private record Candidate(int layer, MatrixGroup group, double harm, long saved, int order) {}

    /** The error of a matrix served at a width: squared error, given the latent weight. */
    @FunctionalInterface
    interface ErrorOf {
        double squaredError(LinearId id, int bits);
    }

    static Map<String, BitPolicy> choose(LlamaConfig config, SortedSet<Integer> widths,
            Map<LinearId, ? extends MatrixCost> matrices, ErrorOf error, Map<LinearId, Double> squaredNorms) {
        Map<String, BitPolicy> out = new LinkedHashMap<>();
        for (int lo : widths) {
            if (widths.contains(lo + 1)) {
                BitPolicy p = atBytes(config, lo, lo + 1, EqualBytes.anyPrecisionBytes(config, lo), matrices, error,
                        squaredNorms);
                out.put(p.name(), p);
            }
        }
        return out;
    }

    /** The mix of {@code lo} and {@code hi} named {@code bit-mixer-<lo>} that reads at most {@code budget} bytes. */
    static BitPolicy atBytes(LlamaConfig config, int lo, int hi, long budget,
            Map<LinearId, ? extends MatrixCost> matrices, ErrorOf error, Map<LinearId, Double> squaredNorms) {
        List<Candidate> candidates = new ArrayList<>();
        long bytes = 0;
        for (int l = 0; l < config.numLayers(); l++) {
            for (MatrixGroup g : MatrixGroup.values()) {
                double added = 0;
                double norm = 0;
                long saved = 0;
                for (Linear proj : g.members()) {
                    LinearId id = new LinearId(l, proj);
                    added += error.squaredError(id, lo) - error.squaredError(id, hi);
                    norm += squaredNorms.get(id);
                    saved += matrices.get(id).bytesRead(hi) - matrices.get(id).bytesRead(lo);
                    bytes += matrices.get(id).bytesRead(hi);
                }
                candidates.add(new Candidate(l, g, added / norm, saved, candidates.size()));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::harm).thenComparingInt(Candidate::order));
        List<Candidate> lowered = new ArrayList<>();
        for (Candidate c : candidates) {
            if (bytes <= budget) {
                break;
            }
            bytes -= c.saved();
            lowered.add(c);
        }
        if (bytes > budget) {
            throw new IllegalStateException("bit-mixer: even every matrix at " + lo + " bits reads " + bytes
                    + " bytes, over Any-Precision's " + budget + " at that width");
        }
        for (int i = lowered.size() - 1; i >= 0; i--) {
            Candidate c = lowered.get(i);
            if (bytes + c.saved() <= budget) {
                bytes += c.saved();
                lowered.remove(i);
            }
        }
        Map<LinearId, Integer> bits = new LinkedHashMap<>();
        LinearId.all(config).forEach(id -> bits.put(id, hi));
        for (Candidate c : lowered) {
            for (Linear proj : c.group().members()) {
                bits.put(new LinearId(c.layer(), proj), lo);
            }
        }
        return BitPolicy.of(PREFIX + lo, bits);
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
