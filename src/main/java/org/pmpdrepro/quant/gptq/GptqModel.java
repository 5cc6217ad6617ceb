package org.pmpdrepro.quant.gptq;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.CodedMatrix;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.MemoryFootprint;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.StorageLayout;

/**
 * A GPTQ-quantized model: for each served bit-width an independent set of codes, scales and offsets (GPTQ's
 * result at one width says nothing about another, so serving several keeps all of them resident).
 */
public final class GptqModel implements QuantizedModel {

    private final LlamaConfig config;
    private final GptqQuantizer settings;
    private final Map<LinearId, GptqLinear> matrices;

    GptqModel(LlamaConfig config, GptqQuantizer settings, Map<LinearId, GptqLinear> matrices) {
        for (LinearId id : LinearId.all(config)) {
            GptqLinear m = matrices.get(id);
            if (m == null) {
                throw new IllegalArgumentException("gptq: no quantized matrix for " + id);
            }
            if (!m.byBits().keySet().equals(settings.bitWidths())) {
                throw new IllegalArgumentException("gptq: " + id + " is quantized at " + m.byBits().keySet()
                        + " bits; the model serves " + settings.bitWidths());
            }
            long expected = BitPolicy.parameters(config, id.proj());
            if ((long) m.rows() * m.cols() != expected) {
                throw new IllegalArgumentException("gptq: " + id + " is [" + m.rows() + ", " + m.cols()
                        + "]; the configuration has " + expected + " weights there");
            }
        }
        if (matrices.size() != LinearId.all(config).size()) {
            throw new IllegalArgumentException("gptq: " + matrices.size() + " matrices given; the model has "
                    + LinearId.all(config).size());
        }
        this.config = config;
        this.settings = settings;
        this.matrices = Map.copyOf(matrices);
    }

    @Override
    public String method() {
        return GptqQuantizer.METHOD;
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    /** The configuration the model was quantized with. */
    public GptqQuantizer settings() {
        return settings;
    }

    @Override
    public SortedSet<Integer> bitWidths() {
        return settings.bitWidths();
    }

    @Override
    public Tensor dequantized(int layer, Linear proj, int bits) {
        GptqCodes c = codesOf(layer, proj, bits);
        return new Tensor(proj.weight(layer), new int[] {c.rows(), c.cols()}, c.dequantize());
    }

    /** The code of every weight of one matrix at {@code bits}, row-major. */
    public int[] codes(int layer, Linear proj, int bits) {
        return codesOf(layer, proj, bits).codes();
    }

    GptqCodes codesOf(int layer, Linear proj, int bits) {
        if (!bitWidths().contains(bits)) {
            throw new IllegalArgumentException("gptq serves bit-widths " + bitWidths() + ", not " + bits);
        }
        if (layer < 0 || layer >= config.numLayers()) {
            throw new IllegalArgumentException("gptq: layer " + layer + " outside 0.." + (config.numLayers() - 1));
        }
        return matrices.get(new LinearId(layer, proj)).byBits().get(bits);
    }

    @Override
    public Optional<CodedMatrix> coded(int layer, Linear proj, int bits) {
        GptqCodes c = codesOf(layer, proj, bits);
        return Optional.of(new CodedMatrix(c.rows(), c.cols(), bits, c.codes(),
                new CodedMatrix.Affine(c.groups(), c.groupIndex(), c.offsets(), c.scales())));
    }

    @Override
    public MemoryFootprint memory(Set<Integer> precisions) {
        return MemoryFootprint.of(method(), StorageLayout.SEPARATE_MODELS, matrices.values(), precisions,
                bitWidths());
    }
}
