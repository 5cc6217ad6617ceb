package org.pmpdrepro.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.decode.DenseWeightProvider;
import org.pmpdrepro.decode.EngineArrays;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.WeightProvider;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * Serves {@link Precision#FULL} from the dense weights and {@code Precision.bits(b)} from a {@link QuantizedModel}
 * at each of its bit-widths. Dequantized matrices are transposed to {@code [in, out]} and cached per
 * (layer, projection, bits), built when first asked for or up front for a chosen set of widths. The dense weights
 * are read only if full precision is served ({@link DenseWeightProvider} loads a matrix on first use).
 *
 * <p>Plug it into the decoder with
 * {@code DjlLlama.withProvider(config, weights, device, (m, c, w) -> new QuantizedWeightProvider(m, c, w, q))}.
 */
public final class QuantizedWeightProvider implements WeightProvider {

    private record Key(int layer, Linear proj, int bits) {}

    private record FusedKey(int layer, List<Linear> projections, List<Integer> bits) {}

    private final DenseWeightProvider dense;
    private final NDManager manager;
    private final LlamaConfig config;
    private final QuantizedModel quantized;
    private final Map<Key, NDArray> cache = new HashMap<>();
    private final Map<FusedKey, NDArray> fused = new HashMap<>();
    private final Map<NormKey, NDArray> norms = new HashMap<>();
    /** Policies by precision label, resolved once: a two-width label is parsed, not looked up, on every pass. */
    private final Map<String, Optional<BitPolicy>> policies = new ConcurrentHashMap<>();
    /** {@link #supports} by precision, decided once: it is asked for every matrix and norm of every pass. */
    private final Map<Precision, Boolean> supported = new ConcurrentHashMap<>();

    private record NormKey(int layer, BlockNorm norm, int fromBits, int toBits) {}

    /** Builds quantized matrices lazily, on first use. */
    public QuantizedWeightProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights,
            QuantizedModel quantized) {
        this(parent, config, weights, quantized, Set.of());
    }

    /** Builds the matrices of every width in {@code eagerBits} now, the others on first use. */
    public QuantizedWeightProvider(NDManager parent, LlamaConfig config, Function<String, Tensor> weights,
            QuantizedModel quantized, Set<Integer> eagerBits) {
        if (!quantized.config().equals(config)) {
            throw new IllegalArgumentException("the " + quantized.method() + " model was quantized for "
                    + quantized.config() + "; the decoder is configured as " + config);
        }
        if (!quantized.bitWidths().containsAll(eagerBits)) {
            throw new IllegalArgumentException("cannot prepare bit-widths " + new TreeSet<>(eagerBits) + ": the "
                    + quantized.method() + " model serves " + quantized.bitWidths());
        }
        this.config = config;
        this.quantized = quantized;
        this.dense = new DenseWeightProvider(parent, config, weights);
        this.manager = parent.newSubManager();
        for (int b : new TreeSet<>(eagerBits)) {
            for (LinearId id : LinearId.all(config)) {
                lookup(id.layer(), id.proj(), b);
            }
        }
    }

    @Override
    public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
        if (precision.isFull()) {
            return dense.linearTransposed(layer, proj, precision);
        }
        return lookup(layer, proj, bitsOf(layer, proj, precision));
    }

    /**
     * The dequantized matrices side by side, built here from each part's dequantized values and kept without the
     * parts: the decoder holds each width of each matrix once, not once fused and once apart (two thirds of a
     * block's weights are fused). Full precision is left to the model to fuse from the dense parts. The values are
     * those of concatenating the transposed parts, so every product is unchanged.
     */
    @Override
    public synchronized NDArray fusedTransposed(int layer, Precision precision, Linear... projections) {
        if (precision.isFull()) {
            return null;
        }
        List<Integer> bits = new ArrayList<>(projections.length);
        for (Linear proj : projections) {
            bits.add(bitsOf(layer, proj, precision));
        }
        return fused.computeIfAbsent(new FusedKey(layer, List.of(projections), List.copyOf(bits)),
                k -> sideBySide(layer, projections, bits));
    }

    private NDArray sideBySide(int layer, Linear[] projections, List<Integer> bits) {
        if (layer < 0 || layer >= config.numLayers()) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        int in = projections[0].inFeatures(config);
        int total = 0;
        for (Linear proj : projections) {
            if (proj.inFeatures(config) != in) {
                throw new IllegalArgumentException("cannot fuse " + Arrays.toString(projections)
                        + ": they read inputs of different widths");
            }
            total += proj.outFeatures(config);
        }
        int width = total;
        // Engine-owned memory, not a direct buffer left for the garbage collector; outside any forward step's scope.
        // Each part goes straight into it: no [in, total] copy on the heap.
        return EngineArrays.owned(manager, new Shape(in, total), side -> {
            int offset = 0;
            for (int i = 0; i < projections.length; i++) {
                // [out, in] as dequantized, written transposed into columns offset.. of the [in, total] result.
                int out = projections[i].outFeatures(config);
                putTransposed(layer, projections[i], bits.get(i), side, width, offset);
                offset += out;
            }
        });
    }

    /** Values per band of rows dequantized at once: well below the smallest heap region's humongous size. */
    private static final int BAND_VALUES = 1 << 16;

    /**
     * The dequantized {@code [out, in]} matrix written transposed into columns {@code offset..} of the row-major
     * {@code [in, width]} buffer {@code dst}: a band of rows at a time when the model decodes bands (no array of the
     * whole matrix on the heap: such arrays made the garbage collector run often and grow the heap to twice what it
     * holds), else from the whole matrix.
     */
    private void putTransposed(int layer, Linear proj, int bits, FloatBuffer dst, int width, int offset) {
        if (!quantized.dequantizesByRows()) {
            Tensor t = checked(layer, proj, bits);
            EngineArrays.putTransposed(t.data(), t.dim(0), t.dim(1), dst, width, offset);
            return;
        }
        int[] shape = new LinearId(layer, proj).shape(config);
        int rows = shape[0];
        int cols = shape[1];
        int band = Math.max(1, Math.min(rows, BAND_VALUES / cols));
        float[] values = new float[band * cols];
        for (int r0 = 0; r0 < rows; r0 += band) {
            int r1 = Math.min(rows, r0 + band);
            quantized.dequantizedRows(layer, proj, bits, r0, r1, cols, values);
            EngineArrays.putTransposed(values, r1 - r0, cols, dst, width, offset + r0);
        }
    }

    /**
     * The model's gain for the width transition at this norm when it keeps one: from the width of the matrix that
     * wrote its input to the width of the projection it feeds.
     */
    @Override
    public synchronized NDArray norm(int layer, BlockNorm norm, Precision precision, NDArray dense) {
        if (precision.isFull()) {
            return dense;
        }
        int to = bitsOf(layer, norm.follows(), precision);
        int from = LinearId.writtenBefore(layer, norm).map(id -> bitsOf(id.layer(), id.proj(), precision)).orElse(to);
        return norms.computeIfAbsent(new NormKey(layer, norm, from, to), k -> quantized.normWeight(layer, norm, from,
                to).map(t -> {
                    NDArray array = manager.create(t.data(), new Shape(t.dims()));
                    NDScope.unregister(array);
                    return array;
                }).orElse(dense));
    }

    private int bitsOf(int layer, Linear proj, Precision precision) {
        if (!supports(precision)) {
            throw new IllegalArgumentException("the " + quantized.method() + " model serves " + Precision.FULL
                    + ", uniform bit-widths " + quantized.bitWidths() + " and policies "
                    + quantized.policies().keySet() + ", not " + precision + " (layer " + layer + ", " + proj + ")");
        }
        return policy(precision).map(p -> p.bitsFor(new LinearId(layer, proj)))
                .orElse(precision.uniformBits());
    }

    @Override
    public boolean supports(Precision precision) {
        return supported.computeIfAbsent(precision, this::servable);
    }

    private boolean servable(Precision precision) {
        if (precision.isFull() || quantized.bitWidths().contains(precision.uniformBits())) {
            return true;
        }
        BitPolicy policy = policy(precision).orElse(null);
        // A label alone is not enough: the average bits must be the policy's, or reported bit-widths would lie.
        return policy != null && quantized.bitWidths().containsAll(policy.bits().values())
                && Math.abs(policy.averageBits(config) - precision.averageBits()) < 1e-9;
    }

    private Optional<BitPolicy> policy(Precision precision) {
        return policies.computeIfAbsent(precision.label(), quantized::policy);
    }

    /** The quantized model this provider serves. */
    public QuantizedModel quantized() {
        return quantized;
    }

    private synchronized NDArray lookup(int layer, Linear proj, int bits) {
        if (layer < 0 || layer >= config.numLayers()) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        return cache.computeIfAbsent(new Key(layer, proj, bits), k -> transposed(layer, proj, bits));
    }

    private NDArray transposed(int layer, Linear proj, int bits) {
        if (!quantized.dequantizesByRows()) {
            // Dequantized outside the engine arrays' lock, as before band-wise filling existed.
            Tensor t = checked(layer, proj, bits);
            return EngineArrays.ownedTransposed(manager, t.data(), t.dim(0), t.dim(1));
        }
        int[] shape = new LinearId(layer, proj).shape(config);
        return EngineArrays.owned(manager, new Shape(shape[1], shape[0]),
                dst -> putTransposed(layer, proj, bits, dst, shape[0], 0));
    }

    /** The dequantized {@code [out, in]} matrix, its shape checked against the configuration. */
    private Tensor checked(int layer, Linear proj, int bits) {
        Tensor t = quantized.dequantized(layer, proj, bits);
        // Checked against the configuration, not the dense weight: reading that would load the dense matrix.
        int[] expected = new LinearId(layer, proj).shape(config);
        if (t.rank() != 2 || t.dim(0) != expected[0] || t.dim(1) != expected[1]) {
            throw new IllegalStateException(quantized.method() + " matrix '" + t.name() + "' at " + bits
                    + " bits has shape " + Arrays.toString(t.shape()) + "; the model's configuration gives "
                    + Arrays.toString(expected));
        }
        return t;
    }

    @Override
    public synchronized void close() {
        cache.clear();
        fused.clear();
        norms.clear();
        manager.close();
        dense.close();
    }
}
