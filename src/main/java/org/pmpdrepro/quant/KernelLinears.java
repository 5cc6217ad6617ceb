package org.pmpdrepro.quant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.cpu.JavaLlama;
import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.UniformKernel;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;

/**
 * The linear layers of the {@link JavaLlama} engine from a quantized model: every matrix at every width served as a
 * packed kernel matrix ({@link KernelMatrices}), built once; full precision from the model's own weights as dense
 * rows. A precision is a uniform width, a per-matrix policy of the model ({@link QuantizedModel#policy}), or full.
 *
 * <p>Any-Precision's widths share one set of bit-planes (the b-bit code is the top b bits of the stored one, checked
 * while packing), so serving 2, 3 and 4 bits holds the 4-bit planes once, as the method promises; with
 * {@link UniformKernel#INT16} its 2-bit matrices are packed once more, in the 16-bit lookup kernel's layout.
 */
public final class KernelLinears implements JavaLlama.Linears {

    /** Width key of full precision. */
    private static final int FULL = 16;

    private final LlamaConfig config;
    private final QuantizedModel model;
    private final SortedSet<Integer> widths;
    private final Map<Long, Gemv> matrices;
    /** Full precision's source, packed when a step first asks for it; empty when full precision is not served. */
    private final Optional<FullSource> full;
    private volatile boolean fullPacked;

    /** A model the engine cannot serve (a method without a coded form, or widths the model lacks). */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** Where full precision's rows come from, and how they are stored. */
    private record FullSource(WeightSource weights, DenseGemv.Element element, OffHeap memory) {}

    private KernelLinears(LlamaConfig config, QuantizedModel model, SortedSet<Integer> widths,
            Map<Long, Gemv> matrices, Optional<FullSource> full) {
        this.config = config;
        this.model = model;
        this.widths = widths;
        this.matrices = matrices;
        this.full = full;
    }

    /**
     * {@code model}'s matrices at {@code widths} (each one of its {@link QuantizedModel#bitWidths()}) and, when
     * {@code dense} is given, full precision from its weights stored as {@code fullElement}, packed when a step first
     * asks for it (a run that never decodes at full precision holds no dense matrix; {@code dense} must stay open
     * until then); all in {@code memory}. A method that keeps no coded form ({@link QuantizedModel#coded}) is refused
     * by name.
     */
    public static KernelLinears of(QuantizedModel model, Set<Integer> widths, Optional<WeightSource> dense,
            DenseGemv.Element fullElement, OffHeap memory) throws IOException {
        return of(model, widths, dense, fullElement, memory, UniformKernel.FP32);
    }

    /** As {@link #of(QuantizedModel, Set, Optional, DenseGemv.Element, OffHeap)}, uniform grids by {@code uniform}. */
    public static KernelLinears of(QuantizedModel model, Set<Integer> widths, Optional<WeightSource> dense,
            DenseGemv.Element fullElement, OffHeap memory, UniformKernel uniform) throws IOException {
        LlamaConfig config = model.config();
        SortedSet<Integer> served = new TreeSet<>(widths);
        if (!model.bitWidths().containsAll(served)) {
            throw new Refused("java engine: " + model.method() + " serves " + model.bitWidths()
                    + " bits; asked for " + served);
        }
        Map<Long, Gemv> matrices = new ConcurrentHashMap<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (Linear proj : Linear.values()) {
                CentroidGemv.Planes shared = null;
                CodedMatrix widest = null;
                // Widest first, so Any-Precision's narrower widths can read the widest one's planes.
                for (int bits : served.reversed()) {
                    String what = model.method() + " " + proj.weight(layer) + " at " + bits + " bits";
                    CodedMatrix coded = model.coded(layer, proj, bits).orElseThrow(() -> new Refused(
                            "java engine: " + model.method() + " keeps no coded form of its matrices; the packed"
                                    + " kernels serve rtn, gptq and any-precision"));
                    Gemv gemv;
                    // Any-Precision by the lookup kernel packs its own 2-bit codes again (KernelMatrices.of below).
                    if (coded.values() instanceof CodedMatrix.RowTables t
                            && !KernelMatrices.anyPrecisionByLookup(coded, uniform)) {
                        if (widest == null || !topBitsOf(coded, widest)) {
                            shared = CentroidGemv.Planes.pack(coded.codes(), coded.rows(), coded.cols(), bits, memory,
                                    what);
                            widest = coded;
                        }
                        gemv = CentroidGemv.anyPrecision(shared, bits, t.table(), what);
                    } else {
                        gemv = KernelMatrices.of(coded, memory, what, uniform);
                    }
                    matrices.put(key(layer, proj, bits), gemv);
                }
            }
        }
        return new KernelLinears(config, model, served, matrices,
                dense.map(d -> new FullSource(d, fullElement, memory)));
    }

    /** Packs every block matrix of the full-precision source as dense rows, once. */
    private synchronized void packFull() {
        if (fullPacked) {
            return;
        }
        FullSource f = full.orElseThrow();
        try {
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (Linear proj : Linear.values()) {
                    int[] shape = new LinearId(layer, proj).shape(config);
                    matrices.put(key(layer, proj, FULL), DenseGemv.of(f.weights().tensor(proj.weight(layer)).data(),
                            shape[0], shape[1], f.element(), f.memory(), proj.weight(layer)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("java engine: reading the full-precision matrices from "
                    + f.weights().origin(Linear.Q.weight(0)) + ": " + e.getMessage(), e);
        }
        fullPacked = true;
    }

    /** Whether every code of {@code narrow} is the top bits of the same weight's code in {@code wide}. */
    private static boolean topBitsOf(CodedMatrix narrow, CodedMatrix wide) {
        int shift = wide.bits() - narrow.bits();
        int[] n = narrow.codes();
        int[] w = wide.codes();
        for (int i = 0; i < n.length; i++) {
            if (n[i] != w[i] >> shift) {
                return false;
            }
        }
        return true;
    }

    private static long key(int layer, Linear proj, int bits) {
        return ((long) layer * Linear.values().length + proj.ordinal()) * 32 + bits;
    }

    @Override
    public Gemv linear(int layer, Linear proj, Precision precision) {
        int bits = bitsOf(layer, proj, precision);
        if (bits == FULL && full.isPresent() && !fullPacked) {
            packFull();
        }
        Gemv g = matrices.get(key(layer, proj, bits));
        if (g == null) {
            throw new IllegalArgumentException("java engine: " + proj.weight(layer) + " is not served at " + bits
                    + " bits (precision " + precision + "); served: " + widths + (full.isPresent() ? " and full" : ""));
        }
        return g;
    }

    private int bitsOf(int layer, Linear proj, Precision precision) {
        if (precision.isFull()) {
            return FULL;
        }
        if (precision.uniformBits() > 0) {
            return precision.uniformBits();
        }
        BitPolicy policy = model.policy(precision.label()).orElseThrow(() -> new IllegalArgumentException(
                "java engine: " + model.method() + " has no policy '" + precision.label() + "'"));
        return policy.bitsFor(new LinearId(layer, proj));
    }

    @Override
    public boolean supports(Precision precision) {
        if (precision.isFull()) {
            return full.isPresent();
        }
        if (precision.uniformBits() > 0) {
            return widths.contains(precision.uniformBits());
        }
        Optional<BitPolicy> policy = model.policy(precision.label());
        return policy.isPresent() && policy.get().bits().values().stream().allMatch(widths::contains);
    }

    /** The widths served besides full precision. */
    public SortedSet<Integer> widths() {
        return widths;
    }

    LlamaConfig config() {
        return config;
    }
}
