package org.pmpdrepro.quant.bitmixer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.decode.BlockNorm;
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
 * A Bit-Mixer back-bone: every matrix servable at each of {@link #bitWidths()}, each block's norms per width
 * transition (from the width of the matrix that wrote their input to the width of the matrices they feed), and the
 * mixed per-layer policies of {@link BitMixerPolicies}: for each nominal width, the mix that reads at most
 * Any-Precision's bytes at that width.
 *
 * <p>Memory. The original keeps the shared full-precision weights and quantizes them with the width's learned
 * steps when a width is selected; resident that is 16 bits a weight (fp16), more than the codes of all three widths
 * together (2 + 3 + 4 = 9 bits). The codes of different widths are not nested (each width has its own steps and
 * rounds on its own), so the cheapest honest serving form is what this class holds: one code set per served width,
 * computed once from the shared weights, plus an fp16 step per row and width. Resident bytes for a set of widths
 * are therefore the sum over that set ({@link StorageLayout#SEPARATE_MODELS}); a step reads the codes and steps of
 * its width. A step reads one gain per norm, as every method does, so norms are not counted in bytes read; but the
 * gains kept beyond the model's own one per norm (one per width transition the served precisions use) are counted in
 * resident bytes, at fp16.
 */
public final class BitMixerModel implements QuantizedModel {

    public static final String METHOD = "bit-mixer";

    private record NormKey(int layer, BlockNorm norm, int fromBits, int toBits) {}

    private final LlamaConfig config;
    private final SortedSet<Integer> bitWidths;
    private final Map<LinearId, BitMixerLinear> matrices;
    private final Map<NormKey, Tensor> norms;
    private final Map<String, BitPolicy> policies;

    BitMixerModel(LlamaConfig config, SortedSet<Integer> bitWidths, Map<LinearId, BitMixerLinear> matrices,
            Map<NormKey, Tensor> norms, Map<String, BitPolicy> policies) {
        this.config = config;
        this.bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        this.matrices = Map.copyOf(matrices);
        this.norms = Map.copyOf(norms);
        for (BitPolicy p : policies.values()) {
            BitMixerPolicies.requireGrouped(p, config);
            for (int b : p.bits().values()) {
                if (!this.bitWidths.contains(b)) {
                    throw new IllegalArgumentException("policy '" + p.name() + "' uses " + b
                            + " bits; this model serves " + this.bitWidths);
                }
            }
        }
        this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
    }

    /** Quantizes the fine-tuned weights once at every width and chooses the mixed policies. */
    public static BitMixerModel of(BitMixerWeights weights) {
        LlamaConfig config = weights.config();
        Map<LinearId, BitMixerLinear> matrices = new LinkedHashMap<>();
        Map<LinearId, Double> squaredNorms = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(config)) {
            SortedMap<Integer, float[]> steps = new TreeMap<>();
            for (int b : weights.bitWidths()) {
                steps.put(b, weights.steps(id, b));
            }
            Tensor latent = weights.latent(id);
            matrices.put(id, BitMixerLinear.quantize(latent, steps));
            double sq = 0;
            for (float v : latent.data()) {
                sq += (double) v * v;
            }
            squaredNorms.put(id, sq);
        }
        Map<NormKey, Tensor> norms = new LinkedHashMap<>();
        for (int l = 0; l < config.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                for (int[] t : BitMixerWeights.transitions(l, n, weights.bitWidths())) {
                    norms.put(new NormKey(l, n, t[0], t[1]), weights.norm(l, n, t[0], t[1]));
                }
            }
        }
        Map<String, BitPolicy> policies = BitMixerPolicies.choose(config, weights.bitWidths(), matrices, (id, b) -> {
            float[] served = matrices.get(id).dequantize(b);
            float[] w = weights.latent(id).data();
            double e = 0;
            for (int i = 0; i < w.length; i++) {
                double d = served[i] - w[i];
                e += d * d;
            }
            return e;
        }, squaredNorms);
        return new BitMixerModel(config, weights.bitWidths(), matrices, norms, policies);
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public SortedSet<Integer> bitWidths() {
        return bitWidths;
    }

    @Override
    public Tensor dequantized(int layer, Linear proj, int bits) {
        BitMixerLinear m = matrix(layer, proj, bits);
        return new Tensor(proj.weight(layer), new int[] {m.rows(), m.cols()}, m.dequantize(bits));
    }

    /** The codes of one matrix at {@code bits}, row-major, each in {@code -2^(bits-1) .. 2^(bits-1) - 1}. */
    public int[] codes(int layer, Linear proj, int bits) {
        byte[] c = matrix(layer, proj, bits).codes().get(bits);
        int[] out = new int[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i];
        }
        return out;
    }

    /** The fp16 step of every row of one matrix at {@code bits}, widened to fp32. */
    public float[] steps(int layer, Linear proj, int bits) {
        short[] s = matrix(layer, proj, bits).steps().get(bits);
        float[] out = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = Float.float16ToFloat(s[i]);
        }
        return out;
    }

    private BitMixerLinear matrix(int layer, Linear proj, int bits) {
        if (!bitWidths.contains(bits)) {
            throw new IllegalArgumentException(METHOD + " serves bit-widths " + bitWidths + ", not " + bits);
        }
        BitMixerLinear m = matrices.get(new LinearId(layer, proj));
        if (m == null) {
            throw new IllegalArgumentException(METHOD + ": layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        return m;
    }

    @Override
    public Optional<Tensor> normWeight(int layer, BlockNorm norm, int fromBits, int toBits) {
        if (!bitWidths.contains(fromBits) || !bitWidths.contains(toBits)) {
            throw new IllegalArgumentException(METHOD + " keeps norms for bit-widths " + bitWidths + ", not a transition"
                    + " from " + fromBits + " to " + toBits);
        }
        return Optional.ofNullable(norms.get(new NormKey(layer, norm, fromBits, toBits)));
    }

    @Override
    public Map<String, BitPolicy> policies() {
        return policies;
    }

    @Override
    public MemoryFootprint memory(Set<Integer> precisions) {
        MemoryFootprint f = MemoryFootprint.of(METHOD, StorageLayout.SEPARATE_MODELS, matrices.values(), precisions,
                bitWidths);
        List<Map<LinearId, Integer>> served = new ArrayList<>();
        for (int b : precisions) {
            Map<LinearId, Integer> uniform = new LinkedHashMap<>();
            LinearId.all(config).forEach(id -> uniform.put(id, b));
            served.add(uniform);
        }
        return new MemoryFootprint(f.precisions(), f.residentBytes() + extraNormBytes(served), f.readBytes(),
                f.tableReadBytes(), f.weights());
    }

    /** Each distinct (matrix, width) of the policies resident once, plus the norm gains they need beyond one. */
    @Override
    public Optional<PolicyFootprint> policyMemory(Set<String> names) {
        PolicyFootprint f = PolicyFootprint.separate(METHOD, policies, names, (id, bits) -> matrices.get(id));
        List<Map<LinearId, Integer>> served = names.stream().map(n -> policies.get(n).bits())
                .map(m -> (Map<LinearId, Integer>) m).toList();
        return Optional.of(new PolicyFootprint(f.policies(), f.residentBytes() + extraNormBytes(served),
                f.readBytes(), f.tableReadBytes(), f.weights()));
    }

    /**
     * fp16 bytes of the norm gains that serving {@code assignments} keeps beyond the model's own one per norm: one
     * per distinct width transition any of them uses at each norm, less one.
     */
    private long extraNormBytes(List<Map<LinearId, Integer>> assignments) {
        long extra = 0;
        for (int l = 0; l < config.numLayers(); l++) {
            for (BlockNorm n : BlockNorm.values()) {
                Set<List<Integer>> used = new HashSet<>();
                for (Map<LinearId, Integer> bits : assignments) {
                    int to = bits.get(new LinearId(l, n.follows()));
                    int from = LinearId.writtenBefore(l, n).map(bits::get).orElse(to);
                    used.add(List.of(from, to));
                }
                extra += 2L * config.hiddenSize() * (used.size() - 1);
            }
        }
        return extra;
    }

    /** A layer reads the codes and steps of its own width, so a per-layer mix is accounted matrix by matrix. */
    @Override
    public OptionalLong bytesReadPerToken(BitPolicy policy) {
        long bytes = 0;
        for (LinearId id : LinearId.all(config)) {
            int b = policy.bitsFor(id);
            bytes += StorageLayout.SEPARATE_MODELS.bytesRead(matrix(id.layer(), id.proj(), b), b);
        }
        return OptionalLong.of(bytes);
    }

    Map<LinearId, BitMixerLinear> matrices() {
        return matrices;
    }

    /** The gain of {@code norm} in block {@code layer} for a width transition, for the codec. */
    Tensor norm(int layer, BlockNorm norm, int fromBits, int toBits) {
        return norms.get(new NormKey(layer, norm, fromBits, toBits));
    }

    /** One stored gain: block, norm, width transition. */
    record StoredNorm(int layer, BlockNorm norm, int fromBits, int toBits, Tensor gain) {}

    /** Rebuilds a model from stored parts (the codec's inverse of {@link #matrices()} and {@link #norm}). */
    static BitMixerModel of(LlamaConfig config, SortedSet<Integer> bitWidths, Map<LinearId, BitMixerLinear> matrices,
            List<StoredNorm> stored, Map<String, BitPolicy> policies) {
        Map<NormKey, Tensor> norms = new LinkedHashMap<>();
        for (StoredNorm n : stored) {
            norms.put(new NormKey(n.layer(), n.norm(), n.fromBits(), n.toBits()), n.gain());
        }
        return new BitMixerModel(config, bitWidths, matrices, norms, policies);
    }
}
