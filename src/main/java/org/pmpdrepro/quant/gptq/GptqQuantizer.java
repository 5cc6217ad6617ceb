package org.pmpdrepro.quant.gptq;

import ai.djl.Device;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.NativeAllocator;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.Quantizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPTQ (Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"):
 * each linear layer is quantized column by column, the rounding error of every column compensated on the columns
 * not yet quantized according to the layer's input Hessian {@code H = 2/n sum x x^T}.
 *
 * <p>Inputs are gathered sequentially, as in the reference: the Hessians of block {@code l} come from the
 * calibration sequences run through blocks {@code 0..l-1} already quantized at the width being built (block
 * {@code l} itself still at full precision); the sequences' residual streams are kept between blocks
 * ({@link CalibrationStream}), so each block runs twice per width. Every bit-width is an independent model. The calibration sequences
 * are {@link QuantizationInputs#calibration()}, all of them, each as long as given.
 *
 * @param bitWidths the widths to produce, each in 2..8
 * @param blockSize columns per lazy-update block (the reference uses 128)
 * @param dampening fraction of the mean Hessian diagonal added to the diagonal (the reference uses 0.01)
 * @param actOrder quantize columns by descending Hessian diagonal instead of in order
 * @param grouping which input columns of a row share one scale and offset
 * @param staticGroups with groups: each group's grid comes from the weights before any error feedback and a column
 *     belongs to the group of its original index (the reference's {@code static_groups}), so act-order needs no
 *     stored group index; otherwise a grid is fitted to the feedback-updated weights when quantization reaches the
 *     group's first column, and under act-order the groups are runs of the permuted order (the reference's default,
 *     which stores a group index per column, {@code g_idx})
 */
public record GptqQuantizer(SortedSet<Integer> bitWidths, int blockSize, double dampening, boolean actOrder,
        Grouping grouping, boolean staticGroups) implements Quantizer {

    public static final String METHOD = "gptq";

    private static final Logger LOG = LoggerFactory.getLogger(GptqQuantizer.class);

    public GptqQuantizer {
        bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        if (bitWidths.isEmpty()) {
            throw new IllegalArgumentException("gptq: no bit-width given; expected some of 2..8");
        }
        for (int b : bitWidths) {
            if (b < 2 || b > 8) {
                throw new IllegalArgumentException("gptq: bit-width " + b + " outside 2..8");
            }
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("gptq: block size " + blockSize + "; expected at least 1 column");
        }
        if (!(dampening > 0 && dampening <= 1)) {
            throw new IllegalArgumentException("gptq: dampening " + dampening
                    + " outside (0, 1]; expected a fraction of the mean Hessian diagonal such as 0.01");
        }
        Objects.requireNonNull(grouping, "grouping");
    }

    /** The reference's defaults at 2, 3 and 4 bits: block 128, 1% dampening, no act-order, per-row grids. */
    public static GptqQuantizer defaults() {
        return new GptqQuantizer(new TreeSet<>(Set.of(2, 3, 4)), 128, 0.01, false, Grouping.perRow(), false);
    }

    /**
     * The configuration the ablations compare at equal bytes: act-order, static groups, and as many groups per row
     * as read Any-Precision's bytes at every width ({@link Grouping#centroidTableBytes()}).
     */
    public static GptqQuantizer equalBytes() {
        return defaults().withActOrder(true).withGrouping(Grouping.centroidTableBytes()).withStaticGroups(true);
    }

    public GptqQuantizer withBitWidths(Set<Integer> widths) {
        return new GptqQuantizer(new TreeSet<>(widths), blockSize, dampening, actOrder, grouping, staticGroups);
    }

    public GptqQuantizer withBlockSize(int size) {
        return new GptqQuantizer(bitWidths, size, dampening, actOrder, grouping, staticGroups);
    }

    public GptqQuantizer withDampening(double fraction) {
        return new GptqQuantizer(bitWidths, blockSize, fraction, actOrder, grouping, staticGroups);
    }

    public GptqQuantizer withActOrder(boolean on) {
        return new GptqQuantizer(bitWidths, blockSize, dampening, on, grouping, staticGroups);
    }

    public GptqQuantizer withGrouping(Grouping g) {
        return new GptqQuantizer(bitWidths, blockSize, dampening, actOrder, g, staticGroups);
    }

    /** Groups of {@code size} columns, or per row for -1 (the reference's {@code groupsize} argument). */
    public GptqQuantizer withGroupSize(int size) {
        if (size == 0 || size < -1) {
            throw new IllegalArgumentException("gptq: group size " + size
                    + "; expected -1 (one grid per output row) or a positive number of columns");
        }
        return withGrouping(size == -1 ? Grouping.perRow() : Grouping.columns(size));
    }

    public GptqQuantizer withStaticGroups(boolean on) {
        return new GptqQuantizer(bitWidths, blockSize, dampening, actOrder, grouping, on);
    }

    @Override
    public String method() {
        return METHOD;
    }

    /**
     * One matrix {@code [out, in]} quantized at {@code bits} under {@code hessian} and dequantized again: what
     * this configuration makes of it.
     */
    public Tensor quantizeMatrix(Tensor weight, InputHessian hessian, int bits) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("gptq: tensor '" + weight.name() + "' has shape "
                    + Arrays.toString(weight.shape()) + "; expected a matrix [out, in]");
        }
        if (!bitWidths.contains(bits)) {
            throw new IllegalArgumentException("gptq: configured for bit-widths " + bitWidths + ", not " + bits);
        }
        return new Tensor(weight.name(), weight.shape(), GptqSolver.quantize(weight, hessian, bits, this).dequantize());
    }

    @Override
    public GptqModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException {
        LlamaConfig config = model.config();
        List<int[]> calibration = inputs.calibration();
        CalibrationHessians.requireValid(calibration, config);
        long tokens = calibration.stream().mapToLong(s -> s.length).sum();
        Map<LinearId, SortedMap<Integer, GptqCodes>> codes = new LinkedHashMap<>();
        for (int bits : bitWidths) {
            Progress progress = Progress.of(LOG, "gptq " + bits + " bits", config.numLayers(), "blocks");
            Precision precision = Precision.bits(bits);
            StagedWeightProvider[] staged = new StagedWeightProvider[1];
            try (DjlLlama llama = DjlLlama.withProvider(config, DjlLlama.reading(model), Device.cpu(),
                    (manager, c, weights) -> staged[0] = new StagedWeightProvider(manager, c, weights, precision))) {
                try (CalibrationStream stream = CalibrationStream.start(llama, calibration)) {
                    for (int l = 0; l < config.numLayers(); l++) {
                        CalibrationHessians hessians = stream.hessians(precision);
                        // q/k/v and gate/up read one input each: its factorisation is done once for them.
                        Map<InputHessian, GptqSolver.Prepared> prepared = new IdentityHashMap<>();
                        for (Linear proj : Linear.values()) {
                            LinearId id = new LinearId(l, proj);
                            Tensor w = model.tensor(id.weightName());
                            if (w.rank() != 2) {
                                throw new IllegalArgumentException(model.origin(id.weightName()) + ": tensor '"
                                        + id.weightName() + "' has shape " + Arrays.toString(w.shape())
                                        + "; expected a matrix [out, in]");
                            }
                            InputHessian h = hessians.forLinear(l, proj);
                            GptqCodes q = GptqSolver.quantize(w, prepared.computeIfAbsent(h,
                                    k -> GptqSolver.prepare(k, this, w.name())), bits, this);
                            staged[0].replace(id, new Tensor(id.weightName(), w.shape(), q.dequantize()));
                            codes.computeIfAbsent(id, k -> new TreeMap<>()).put(bits, q);
                        }
                        if (l + 1 < config.numLayers()) {
                            stream.advance(precision);
                        }
                        // The streams have passed block l: its matrices and fused arrays are not needed again.
                        staged[0].release(l);
                        llama.releaseFused(l);
                        // The block's forward passes freed activation-sized arrays the C allocator would keep.
                        NativeAllocator.giveBackFreedMemory();
                        progress.advance(1, () -> calibration.size() + " calibration sequences, " + tokens
                                + " tokens");
                    }
                }
            }
        }
        Map<LinearId, GptqLinear> matrices = new LinkedHashMap<>();
        codes.forEach((id, byBits) -> {
            GptqCodes any = byBits.get(byBits.firstKey());
            matrices.put(id, new GptqLinear(any.rows(), any.cols(), byBits));
        });
        return new GptqModel(config, this, matrices);
    }
}
