package org.pmpdrepro.quant;

import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.PlaneGemv;

/**
 * A quantized model's matrices in the packed CPU kernels' form: the codes of {@link QuantizedModel#coded} packed as
 * bit-planes in off-heap memory, with the method's rule for turning a code into a weight (a per-row table:
 * {@link CentroidGemv}; a uniform grid: {@link PlaneGemv}).
 */
public final class KernelMatrices {

    private KernelMatrices() {}

    /**
     * {@code m} as a bit-plane matrix in {@code memory}; {@code what} names it in errors. Affine grids whose groups
     * are not runs of consecutive columns (act-order GPTQ with dynamic groups) are refused: the kernel's groups are
     * column ranges.
     */
    public static Gemv of(CodedMatrix m, OffHeap memory, String what) {
        return switch (m.values()) {
            case CodedMatrix.RowTables t -> CentroidGemv.anyPrecision(
                    CentroidGemv.Planes.pack(m.codes(), m.rows(), m.cols(), m.bits(), memory, what), m.bits(),
                    t.table(), what);
            case CodedMatrix.Affine a -> {
                int width = a.runWidth();
                if (width < 1) {
                    throw new IllegalArgumentException(what + ": its " + a.groups() + " groups are not runs of"
                            + " consecutive columns (act-order with dynamic groups); the packed kernels serve groups"
                            + " of consecutive columns (static groups, or no act-order)");
                }
                // Groups not a multiple of 4 columns wide are stored padded to one (the kernel looks up 4 at a time).
                int run = width % 4 == 0 || width >= m.cols() ? 0 : width;
                PlaneGemv.Planes planes = PlaneGemv.Planes.pack(m.codes(), m.rows(), m.cols(), m.bits(), run, memory,
                        what);
                yield PlaneGemv.uniform(planes, width, a.offsets(), a.scales(), what);
            }
        };
    }
}
