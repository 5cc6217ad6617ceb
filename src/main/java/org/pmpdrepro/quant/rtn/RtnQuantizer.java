package org.pmpdrepro.quant.rtn;

import java.io.IOException;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedMatrices;
import org.pmpdrepro.quant.Quantizer;

/**
 * Uniform asymmetric min-max round-to-nearest per output row, or per group of input columns of each row: the
 * sanity baseline. Each bit-width is quantized on its own (the codes are not nested).
 *
 * @param bitWidths the widths to produce, each in 2..8
 * @param grouping which input columns of a row share one scale and offset
 */
public record RtnQuantizer(SortedSet<Integer> bitWidths, Grouping grouping) implements Quantizer {

    static final String METHOD = "rtn";

    public RtnQuantizer {
        bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        if (bitWidths.isEmpty()) {
            throw new IllegalArgumentException("rtn: no bit-width given; expected some of 2..8");
        }
        for (int b : bitWidths) {
            requireBits(b);
        }
        Objects.requireNonNull(grouping, "grouping");
    }

    private static void requireBits(int b) {
        if (b < 2 || b > 8) {
            throw new IllegalArgumentException("rtn: bit-width " + b + " outside 2..8");
        }
    }

    private static void requireGroupSize(int groupSize) {
        if (groupSize < 0) {
            throw new IllegalArgumentException("rtn: group size " + groupSize + " is negative; expected 0 (whole"
                    + " row) or a positive number of columns");
        }
    }

    /** Whole-row quantization at {@code bitWidths}. */
    public static RtnQuantizer perRow(Set<Integer> bitWidths) {
        return new RtnQuantizer(new TreeSet<>(bitWidths), Grouping.perRow());
    }

    /**
     * Groups that read Any-Precision's bytes at every width ({@link Grouping#centroidTableBytes()}): the
     * configuration the ablations compare at equal weight bytes.
     */
    public static RtnQuantizer equalBytes(Set<Integer> bitWidths) {
        return new RtnQuantizer(new TreeSet<>(bitWidths), Grouping.centroidTableBytes());
    }

    /**
     * One matrix {@code [out, in]} quantized at {@code bits} and dequantized again: what this method serves for it
     * ({@code groupSize} 0 means the whole row).
     */
    public static Tensor roundTrip(Tensor weight, int bits, int groupSize) {
        requireBits(bits);
        requireGroupSize(groupSize);
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("rtn: tensor '" + weight.name() + "' has rank " + weight.rank()
                    + "; expected a matrix [out, in]");
        }
        int cols = weight.dim(1);
        int g = groupSize == 0 ? cols : Math.min(groupSize, cols);
        return new Tensor(weight.name(), weight.shape(), RtnCodes.quantize(weight, bits, g).dequantize());
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public RtnModel quantize(WeightSource model, QuantizationInputs inputs) throws IOException {
        QuantizedMatrices<RtnLinear> matrices = QuantizedMatrices.quantizeAll(METHOD, model, (id, w) -> {
            int cols = w.dim(1);
            SortedMap<Integer, RtnCodes> byBits = new TreeMap<>();
            for (int b : bitWidths) {
                byBits.put(b, RtnCodes.quantize(w, b, grouping.groupSize(cols, b)));
            }
            return new RtnLinear(w.dim(0), cols, byBits);
        });
        return new RtnModel(matrices, bitWidths, grouping);
    }
}
