package org.pmpdrepro.quant.anyprec;

import java.util.Collections;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.CodedMatrix;
import org.pmpdrepro.quant.MemoryFootprint;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.StorageLayout;

/** An Any-Precision model: one set of nested bit-planes per matrix serves every width from seed to parent. */
public final class AnyPrecisionModel implements QuantizedModel {

    private final QuantizedMatrices<AnyPrecisionLinear> matrices;
    private final SortedSet<Integer> bitWidths;

    AnyPrecisionModel(QuantizedMatrices<AnyPrecisionLinear> matrices, int seedBits, int parentBits) {
        this.matrices = matrices;
        SortedSet<Integer> widths = new TreeSet<>();
        for (int b = seedBits; b <= parentBits; b++) {
            widths.add(b);
        }
        this.bitWidths = Collections.unmodifiableSortedSet(widths);
    }

    int seedBits() {
        return bitWidths.first();
    }

    int parentBits() {
        return bitWidths.last();
    }

    @Override
    public String method() {
        return AnyPrecisionQuantizer.METHOD;
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
        AnyPrecisionLinear m = matrices.get(layer, proj);
        return new Tensor(proj.weight(layer), new int[] {m.rows(), m.cols()}, m.dequantize(bits));
    }

    @Override
    public boolean dequantizesByRows() {
        return true;
    }

    @Override
    public void dequantizedRows(int layer, Linear proj, int bits, int from, int to, int cols, float[] out) {
        matrices.requireServed(bits, bitWidths);
        AnyPrecisionLinear m = matrices.get(layer, proj);
        int configured = new LinearId(layer, proj).shape(config())[0];
        if (m.cols() != cols || m.rows() != configured || from < 0 || to > m.rows() || from > to) {
            throw new IllegalStateException(method() + " matrix '" + proj.weight(layer) + "' at " + bits
                    + " bits has shape [" + m.rows() + ", " + m.cols() + "]; rows " + from + ".." + to + " of " + cols
                    + " columns were asked for");
        }
        m.dequantizeRows(bits, from, to, out);
    }

    @Override
    public Optional<CodedMatrix> coded(int layer, Linear proj, int bits) {
        matrices.requireServed(bits, bitWidths);
        AnyPrecisionLinear m = matrices.get(layer, proj);
        return Optional.of(new CodedMatrix(m.rows(), m.cols(), bits, m.codes(bits),
                new CodedMatrix.RowTables(m.table(bits))));
    }

    /** The stored planes and tables of one matrix. */
    public AnyPrecisionLinear matrix(int layer, Linear proj) {
        return matrices.get(layer, proj);
    }

    @Override
    public MemoryFootprint memory(Set<Integer> precisions) {
        return MemoryFootprint.of(method(), StorageLayout.NESTED_BIT_PLANES, matrices.all(), precisions, bitWidths);
    }

    /** Each matrix reads its planes down to its own width, so a per-matrix mix is accounted matrix by matrix. */
    @Override
    public OptionalLong bytesReadPerToken(BitPolicy policy) {
        long bytes = 0;
        for (LinearId id : LinearId.all(config())) {
            int b = policy.bitsFor(id);
            matrices.requireServed(b, bitWidths);
            bytes += StorageLayout.NESTED_BIT_PLANES.bytesRead(matrices.get(id.layer(), id.proj()), b);
        }
        return OptionalLong.of(bytes);
    }
}
