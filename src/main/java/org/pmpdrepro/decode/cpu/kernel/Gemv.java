package org.pmpdrepro.decode.cpu.kernel;

/**
 * A weight matrix {@code [rows, cols]} in a kernel's form, with a vector kernel for matrix-vector products and a
 * scalar reference the kernel is tested against.
 *
 * <p>The kernel computes rows in blocks of {@link #rowBlock()}; every row is summed by one thread in one fixed
 * order, so a product is bit-identical however the blocks are split among threads, and from run to run on the same
 * machine and JVM.
 */
public interface Gemv {

    int rows();

    int cols();

    /** What the weights are, for reports: {@code fp32}, {@code fp16}, {@code uniform-3b-g128}, {@code any-precision-3b}. */
    String label();

    /** Bytes one product reads from memory: weights or bit-planes and their side tables (no input or output). */
    long bytesRead();

    /** Rows computed together by one call of {@link #multiplyBlocks}. */
    int rowBlock();

    /** Work a product needs done before its row blocks run (the lookup tables of the input); once per product. */
    Prepared prepare(float[] x);

    /** {@code y[r] = row r . x} for the rows of blocks {@code [fromBlock, toBlock)}: the vector kernel. */
    void multiplyBlocks(Prepared prepared, float[] y, int fromBlock, int toBlock);

    /** The weight at {@code (r, c)} as the format defines it: the reference's view. */
    float weight(int r, int c);

    /** Number of row blocks. */
    default int blocks() {
        return (rows() + rowBlock() - 1) / rowBlock();
    }

    /** {@code y = W x} on the calling thread. */
    default void multiply(float[] x, float[] y) {
        checkOutput(y);
        multiplyBlocks(prepare(x), y, 0, blocks());
    }

    /** Refuses an output that does not have one entry per row. */
    default void checkOutput(float[] y) {
        if (y.length != rows()) {
            throw new IllegalArgumentException(label() + " [" + rows() + ", " + cols() + "]: output of " + y.length
                    + "; expected " + rows());
        }
    }

    /** The scalar reference: every weight by {@link #weight}, products summed in double. */
    default double[] multiplyReference(float[] x) {
        double[] y = new double[rows()];
        for (int r = 0; r < rows(); r++) {
            double sum = 0;
            for (int c = 0; c < cols(); c++) {
                sum += (double) weight(r, c) * x[c];
            }
            y[r] = sum;
        }
        return y;
    }

    /** What {@link #prepare} made of one input vector. */
    interface Prepared {
        float[] x();
    }

    /** An input used as it is. */
    record Plain(float[] x) implements Prepared {}
}
