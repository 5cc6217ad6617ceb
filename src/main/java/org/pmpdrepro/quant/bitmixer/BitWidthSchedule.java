package org.pmpdrepro.quant.bitmixer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/**
 * Which bit-width every matrix is trained at in a given step: in the first phase one width drawn for the whole
 * network, then one drawn per {@link MatrixGroup} of every block. A pure function of (seed, step), so a resumed run
 * draws what an uninterrupted one would.
 */
final class BitWidthSchedule {

    private final LlamaConfig config;
    private final List<Integer> widths;
    private final int uniformSteps;
    private final long seed;

    BitWidthSchedule(LlamaConfig config, SortedSet<Integer> widths, int uniformSteps, long seed) {
        this.config = config;
        this.widths = List.copyOf(widths);
        this.uniformSteps = uniformSteps;
        this.seed = seed;
    }

    boolean isUniform(int step) {
        return step < uniformSteps;
    }

    /** The bit-width of every matrix of {@link LinearId#all} at {@code step}. */
    Map<LinearId, Integer> at(int step) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        Map<LinearId, Integer> out = new LinkedHashMap<>();
        if (isUniform(step)) {
            int b = widths.get(rng.nextInt(widths.size()));
            for (LinearId id : LinearId.all(config)) {
                out.put(id, b);
            }
            return out;
        }
        for (int l = 0; l < config.numLayers(); l++) {
            for (MatrixGroup g : MatrixGroup.values()) {
                int b = widths.get(rng.nextInt(widths.size()));
                for (Linear proj : g.members()) {
                    out.put(new LinearId(l, proj), b);
                }
            }
        }
        return out;
    }

    /** Parameter-weighted mean bits of an assignment, for the log. */
    static double averageBits(LlamaConfig config, Map<LinearId, Integer> bits) {
        double weighted = 0;
        long total = 0;
        for (Map.Entry<LinearId, Integer> e : bits.entrySet()) {
            long n = BitPolicy.parameters(config, e.getKey().proj());
            weighted += (double) n * e.getValue();
            total += n;
        }
        return weighted / total;
    }
}
