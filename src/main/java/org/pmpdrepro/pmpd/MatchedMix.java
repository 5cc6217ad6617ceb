package org.pmpdrepro.pmpd;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.TwoWidthPolicy;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.bitmixer.MatrixGroup;

/**
 * A fixed precision at a schedule's average bits: the pair's two widths mixed per matrix, the most sensitive
 * matrices at the high width, so that the parameter-weighted average bit-width equals the bits the schedule measured
 * within {@link #TOLERANCE}. Any-Precision's nested planes serve any such mix from the memory the pair needs anyway;
 * Bit-Mixer was built to run a width per layer. This is the arm that asks whether switching over time beats spending
 * the same bits on the matrices that need them most.
 *
 * <p><b>Sensitivity.</b> A unit's sensitivity is the diagonal-Fisher estimate of the loss added by serving it at the
 * low width instead of the high one, per weight: {@code sum F_i (W_high,i - W_low,i)^2 / n}, with {@code F} the
 * committed Fisher information and {@code W_b} the matrices as the back-bone serves them at {@code b} bits. Every
 * weight of a unit costs the same {@code high - low} bits, so this is the gain per bit of raising the unit: ranking
 * by it is the greedy rule for spending a bit budget on a knapsack. The plain sum of {@code F} over a matrix would
 * favour large matrices for being large, and the mean of {@code F} alone ignores how far the two widths' grids lie
 * apart on that matrix (Any-Precision's Fisher-weighted k-means already puts its centroids where {@code F} is large).
 *
 * <p><b>Choice.</b> Most sensitive first, within a window around the target: units are taken in rank order, and one
 * goes to the high width whenever the less sensitive units after it can still bring the average into the window (a
 * subset-sum over the units' sizes decides that exactly). So no mix in the window keeps a more sensitive unit low in
 * favour of a less sensitive one it could have swapped with. The window is {@code ±TOLERANCE/4} bits, widened to
 * {@code ±TOLERANCE/2} and {@code ±TOLERANCE} only where no mix fits it: on the fixture model's matrices (three
 * sizes, the smallest 1/224 of the weights) the narrowest always fits.
 *
 * <p><b>Units.</b> One matrix each; on a back-bone that keeps a norm gain per width (Bit-Mixer) the matrices reading
 * one norm share its width ({@link MatrixGroup}), as Bit-Mixer's own mixed policies do.
 */
public final class MatchedMix {

    /** How close the mix's average bit-width must come to the target. */
    public static final double TOLERANCE = 0.02;

    /**
     * Matrices that take one width together.
     *
     * @param parameters their weights
     * @param sensitivity Fisher-weighted squared change between the two widths, per weight
     * @param order position of its first matrix in forward order (breaks ties)
     */
    public record Unit(List<LinearId> matrices, long parameters, double sensitivity, int order) {
        public Unit {
            matrices = List.copyOf(matrices);
            if (matrices.isEmpty() || parameters < 1 || !(sensitivity >= 0)) {
                throw new IllegalArgumentException("matched mix unit " + matrices + ": " + parameters
                        + " parameters, sensitivity " + sensitivity + "; expected matrices, parameters and a"
                        + " non-negative sensitivity");
            }
        }
    }

    /**
     * A chosen mix.
     *
     * @param ranking every unit, most sensitive first
     * @param atHigh how many of them run at the high width
     */
    public record Result(double target, int high, int low, BitPolicy policy, double averageBits, List<Unit> ranking,
            int atHigh) {
        public Result {
            Objects.requireNonNull(policy, "policy");
            ranking = List.copyOf(ranking);
        }

        public Precision precision(LlamaConfig config) {
            return policy.precision(config);
        }

        public String describe() {
            return String.format(Locale.ROOT, "decode at %s: %d of %d units at %d bits, the rest at %d, most"
                    + " Fisher-sensitive first (%.4f bits) matching the measured %.4f average bits", policy.name(),
                    atHigh, ranking.size(), high, low, averageBits, target);
        }
    }

    private MatchedMix() {}

    /** The units of {@code model} ranked by sensitivity between {@code high} and {@code low} bits, most first. */
    public static List<Unit> rank(QuantizedModel model, FisherSensitivities fisher, int high, int low) {
        LlamaConfig config = model.config();
        if (!fisher.config().equals(config)) {
            throw new IllegalArgumentException("the Fisher sensitivities are for " + fisher.config() + "; the "
                    + model.method() + " model is " + config);
        }
        for (int b : List.of(high, low)) {
            if (!model.bitWidths().contains(b)) {
                throw new IllegalArgumentException("a matched mix of " + high + " and " + low + " bits needs both"
                        + " widths; the " + model.method() + " model serves " + model.bitWidths());
            }
        }
        List<LinearId> forward = LinearId.all(config);
        List<Unit> units = new ArrayList<>();
        boolean normsPerWidth = model.normWeight(0, BlockNorm.INPUT, high, high).isPresent();
        for (List<LinearId> members : units(config, normsPerWidth)) {
            double weighted = 0;
            long n = 0;
            for (LinearId id : members) {
                float[] f = fisher.of(id).data();
                float[] hi = model.dequantized(id.layer(), id.proj(), high).data();
                float[] lo = model.dequantized(id.layer(), id.proj(), low).data();
                for (int i = 0; i < f.length; i++) {
                    double d = (double) hi[i] - lo[i];
                    weighted += f[i] * d * d;
                }
                n += f.length;
            }
            units.add(new Unit(members, n, weighted / n, forward.indexOf(members.get(0))));
        }
        units.sort(Comparator.comparingDouble(Unit::sensitivity).reversed().thenComparingInt(Unit::order));
        return List.copyOf(units);
    }

    /**
     * The units of assignment of {@code config}: one matrix each, or with {@code normsPerWidth} (a back-bone that
     * keeps a norm gain per width) the matrices reading one norm together.
     */
    static List<List<LinearId>> units(LlamaConfig config, boolean normsPerWidth) {
        List<List<LinearId>> out = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            if (normsPerWidth) {
                for (MatrixGroup g : MatrixGroup.values()) {
                    List<LinearId> members = new ArrayList<>();
                    for (Linear p : g.members()) {
                        members.add(new LinearId(l, p));
                    }
                    out.add(members);
                }
            } else {
                for (Linear p : Linear.values()) {
                    out.add(List.of(new LinearId(l, p)));
                }
            }
        }
        return out;
    }

    /**
     * The mix of {@code ranking}'s units (most sensitive first) chosen by the rule in the class comment; an error
     * when no mix comes within {@link #TOLERANCE} of {@code target} or the target lies outside {@code [low, high]}.
     */
    public static Result match(LlamaConfig config, List<Unit> ranking, int high, int low, double target) {
        if (!(target >= low - TOLERANCE && target <= high + TOLERANCE)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "matched mix: target %.4f average bits"
                    + " lies outside the pair's widths %d..%d (did the schedule it matches decode anything?)", target,
                    low, high));
        }
        List<LinearId> covered = ranking.stream().flatMap(u -> u.matrices().stream()).sorted(
                Comparator.comparingInt(LinearId::layer).thenComparing(LinearId::proj)).toList();
        if (!covered.equals(LinearId.all(config))) {
            throw new IllegalArgumentException("matched mix: the ranked units cover " + covered.size()
                    + " matrices (" + covered + "); expected each of the model's " + LinearId.all(config).size()
                    + " exactly once");
        }
        long gcd = 0;
        for (Unit u : ranking) {
            long n = u.matrices().stream().mapToLong(id -> BitPolicy.parameters(config, id.proj())).sum();
            if (n != u.parameters()) {
                throw new IllegalArgumentException("matched mix: unit " + u.matrices() + " claims " + u.parameters()
                        + " parameters; the model gives it " + n);
            }
            gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(n)).longValueExact();
        }
        // Sizes in multiples of the common divisor, so the subset sums fit in a small bit set.
        int n = ranking.size();
        int[] size = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            size[i] = Math.toIntExact(ranking.get(i).parameters() / gcd);
            total += size[i];
        }
        BitSet[] reach = new BitSet[n + 1];
        reach[n] = new BitSet();
        reach[n].set(0);
        for (int i = n - 1; i >= 0; i--) {
            reach[i] = (BitSet) reach[i + 1].clone();
            for (int x = reach[i + 1].nextSetBit(0); x >= 0; x = reach[i + 1].nextSetBit(x + 1)) {
                reach[i].set(x + size[i]);
            }
        }
        for (double half : new double[] {TOLERANCE / 4, TOLERANCE / 2, TOLERANCE}) {
            double scale = total / (double) (high - low);
            int lo = (int) Math.ceil((target - half - low) * scale - 1e-9);
            int hi = (int) Math.floor((target + half - low) * scale + 1e-9);
            if (!reachable(reach[0], lo, hi)) {
                continue;
            }
            Set<LinearId> atHigh = new LinkedHashSet<>();
            int sum = 0;
            int units = 0;
            for (int i = 0; i < n; i++) {
                if (reachable(reach[i + 1], lo - sum - size[i], hi - sum - size[i])) {
                    sum += size[i];
                    atHigh.addAll(ranking.get(i).matrices());
                    units++;
                }
            }
            BitPolicy policy = TwoWidthPolicy.of(config, high, low, atHigh);
            return new Result(target, high, low, policy, policy.averageBits(config), ranking, units);
        }
        throw new IllegalStateException(String.format(Locale.ROOT, "matched mix: no mix of %d and %d bits over the"
                + " %d units comes within %.2f bits of the target %.4f (their sizes are too coarse)", high, low, n,
                TOLERANCE, target));
    }

    /** Whether {@code sums} holds a value in {@code [lo, hi]}. */
    private static boolean reachable(BitSet sums, int lo, int hi) {
        if (hi < 0 || hi < lo) {
            return false;
        }
        int x = sums.nextSetBit(Math.max(lo, 0));
        return x >= 0 && x <= hi;
    }
}
