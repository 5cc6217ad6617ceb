package org.pmpdrepro.quant.rtn;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.CodedMatrix;
import org.pmpdrepro.quant.MemoryFootprint;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.StorageLayout;

/** A round-to-nearest model: one independent set of codes per bit-width. */
public final class RtnModel implements QuantizedModel {

    private final QuantizedMatrices<RtnLinear> matrices;
    private final SortedSet<Integer> bitWidths;
    private final Grouping grouping;

    RtnModel(QuantizedMatrices<RtnLinear> matrices, SortedSet<Integer> bitWidths, Grouping grouping) {
        this.matrices = matrices;
        this.bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        this.grouping = grouping;
    }

    QuantizedMatrices<RtnLinear> matrices() {
        return matrices;
    }

    /** Which input columns of a row share a grid. */
    public Grouping grouping() {
        return grouping;
    }

    @Override
    public String method() {
        return RtnQuantizer.METHOD;
    }

    @Override
    public LlamaConfig config() {
        return matrices.config();
    }

    @Override
    public SortedSet<Integer> bitWidths() {
        return bitWidths;
    }

    @Override
    public Tensor dequantized(int layer, Linear proj, int bits) {
        matrices.requireServed(bits, bitWidths);
        RtnLinear m = matrices.get(layer, proj);
        return new Tensor(proj.weight(layer), new int[] {m.rows(), m.cols()}, m.byBits().get(bits).dequantize());
    }

    /** The code of every weight of one matrix at {@code bits}, row-major. */
    public int[] codes(int layer, Linear proj, int bits) {
        matrices.requireServed(bits, bitWidths);
        return matrices.get(layer, proj).byBits().get(bits).codes();
    }

    @Override
    public Optional<CodedMatrix> coded(int layer, Linear proj, int bits) {
        matrices.requireServed(bits, bitWidths);
        RtnLinear m = matrices.get(layer, proj);
        RtnCodes c = m.byBits().get(bits);
        int[] groupIndex = new int[m.cols()];
        for (int col = 0; col < groupIndex.length; col++) {
            groupIndex[col] = col / c.groupSize();
        }
        return Optional.of(new CodedMatrix(m.rows(), m.cols(), bits, c.codes(),
                new CodedMatrix.Affine(RtnCodes.groups(m.cols(), c.groupSize()), groupIndex, c.offsets(),
                        c.scales())));
    }

    @Override
    public MemoryFootprint memory(Set<Integer> precisions) {
        return MemoryFootprint.of(method(), StorageLayout.SEPARATE_MODELS, matrices.all(), precisions, bitWidths);
    }
}
