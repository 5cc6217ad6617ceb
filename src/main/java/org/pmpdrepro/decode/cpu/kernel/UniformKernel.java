package org.pmpdrepro.decode.cpu.kernel;

/** How the Java engine multiplies a uniform grid's matrices (RTN's and GPTQ's): Any-Precision's are not affected. */
public enum UniformKernel {
    /** {@link PlaneGemv}: the input's 4-column sums in fp32, so the product is the weights' own up to fp32 rounding. */
    FP32,
    /**
     * {@link LookupGemv}: the sums rounded to 16-bit integers on a scale per 64 columns and added in 16-bit lanes;
     * faster, and no longer the exact product (its error is bounded: {@link LookupGemv#roundingBound}).
     */
    INT16
}
