package org.pmpdrepro.decode.cpu.kernel;

/**
 * How the Java engine multiplies a uniform grid's matrices (RTN's and GPTQ's), and Any-Precision's at 2 bits:
 * Any-Precision's at 3 and 4 bits are {@link CentroidGemv}'s either way.
 */
public enum UniformKernel {
    /**
     * {@link PlaneGemv} (Any-Precision: {@link CentroidGemv}): the product is the weights' own up to fp32 rounding.
     */
    FP32,
    /**
     * {@link LookupGemv}: the input's 4-column sums rounded to 16-bit integers on a scale per 64 columns and added in
     * 16-bit lanes; faster, and no longer the exact product (its error is bounded: {@link LookupGemv#roundingBound}).
     * Any-Precision at 2 bits too, from a copy of its top 2 planes in that kernel's layout.
     */
    INT16
}
