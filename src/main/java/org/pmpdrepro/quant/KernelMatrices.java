package org.pmpdrepro.quant;

import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.LookupGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.PlaneGemv;
import org.pmpdrepro.decode.cpu.kernel.UniformKernel;

/**
 * A quantized model's matrices in the packed CPU kernels' form: the codes of {@link QuantizedModel#coded} packed as
 * bit-planes in off-heap memory, with the method's rule for turning a code into a weight (a per-row table:
 * {@link CentroidGemv}, or at 2 bits {@link LookupGemv} when asked for the 16-bit integer kernel; a uniform grid:
 * {@link PlaneGemv}, or {@link LookupGemv} when asked for the 16-bit integer kernel).
 */
public final class KernelMatrices {

    private KernelMatrices() {}

    /**
     * {@code m} as a bit-plane matrix in {@code memory}; {@code what} names it in errors. Affine grids whose groups
     * are not runs of consecutive columns (act-order GPTQ with dynamic groups) are refused: the kernel's groups are
     * column ranges.
     */
    public static Gemv of(CodedMatrix m, OffHeap memory, String what) {
        return of(m, memory, what, UniformKernel.FP32);
    }

    /**
     * Whether {@link #of(CodedMatrix, OffHeap, String, UniformKernel)} multiplies Any-Precision's {@code m} by the
     * 16-bit lookup kernel (at 2 bits, when asked for it) rather than from planes shared across its widths.
     */
    static boolean anyPrecisionByLookup(CodedMatrix m, UniformKernel uniform) {
        return m.bits() == 2 && uniform == UniformKernel.INT16;
    }

    /** As {@link #of(CodedMatrix, OffHeap, String)}, a uniform grid multiplied by {@code uniform}'s kernel. */
    public static Gemv of(CodedMatrix m, OffHeap memory, String what, UniformKernel uniform) {
        return switch (m.values()) {
            case CodedMatrix.RowTables t when anyPrecisionByLookup(m, uniform) ->
                    LookupGemv.anyPrecision(LookupGemv.Planes.pack(m.codes(), m.rows(), m.cols(), 2, 0, memory, what),
                            2, t.table(), what);
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
                if (uniform == UniformKernel.INT16) {
                    // Groups not a multiple of 16 columns wide are stored padded to one (a lane holds 16 columns).
                    int run = width % 16 == 0 || width >= m.cols() ? 0 : width;
                    LookupGemv.Planes planes = LookupGemv.Planes.pack(m.codes(), m.rows(), m.cols(), m.bits(), run,
                            memory, what);
                    yield LookupGemv.uniform(planes, width, a.offsets(), a.scales(), what);
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
