package org.pmpdrepro.quant.haq;

import java.util.Arrays;
import java.util.List;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.quant.EqualBytes;
import org.pmpdrepro.quant.MatrixCost;

/**
 * A budget of weight bytes one decode step may read, over matrices whose cost at each width includes their side
 * tables, and the original HAQ's way of meeting it: while the policy reads more than the budget, sweep the matrices
 * from the last to the first, lowering each one that is above {@code minBits} by one bit and stopping as soon as the
 * policy fits. Compared exactly, in whole bytes.
 *
 * <p>The original HAQ budgets model size or latency; for the equal-bytes comparison of the ablations the budget is
 * Any-Precision's bytes at a nominal width ({@link #anyPrecisionBytes}), so a policy may spend those bytes on wider
 * codes wherever it likes, but a wide matrix pays for its {@code 2^bits}-entry tables too.
 *
 * @param budgetBytes the most weight bytes a policy may read per decode step
 * @param matrices each matrix's cost, in forward order
 * @param minBits the lowest width a matrix may be lowered to
 */
public record ByteBudget(long budgetBytes, List<MatrixCost> matrices, int minBits) {

    public ByteBudget {
        matrices = List.copyOf(matrices);
        if (matrices.isEmpty()) {
            throw new IllegalArgumentException("budget over no matrices");
        }
        if (minBits < 1) {
            throw new IllegalArgumentException("lowest width " + minBits + "; expected at least 1 bit");
        }
        int[] lowest = new int[matrices.size()];
        Arrays.fill(lowest, minBits);
        long floor = bytesOf(matrices, lowest);
        if (budgetBytes < floor) {
            throw new IllegalArgumentException("budget of " + budgetBytes + " bytes is below the " + floor
                    + " bytes of every matrix at the lowest width " + minBits + "; no policy can meet it");
        }
    }

    /** Any-Precision's weight bytes per decode step at {@code bits} on a model of {@code config}. */
    public static long anyPrecisionBytes(LlamaConfig config, int bits) {
        return EqualBytes.anyPrecisionBytes(config, bits);
    }

    /** Weight bytes one decode step reads under {@code bits} (one width per matrix). */
    public long bytes(int[] bits) {
        requireLength(bits);
        return bytesOf(matrices, bits);
    }

    private static long bytesOf(List<MatrixCost> matrices, int[] bits) {
        long total = 0;
        for (int i = 0; i < bits.length; i++) {
            total += matrices.get(i).bytesRead(bits[i]);
        }
        return total;
    }

    /** Whether {@code bits} meets the budget. */
    public boolean fits(int[] bits) {
        return bytes(bits) <= budgetBytes;
    }

    /** Parameter-weighted average of {@code bits}, the paper's average bit-width (tables not counted). */
    public double averageBits(int[] bits) {
        requireLength(bits);
        double weighted = 0;
        long total = 0;
        for (int i = 0; i < bits.length; i++) {
            long n = (long) matrices.get(i).rows() * matrices.get(i).cols();
            weighted += (double) n * bits[i];
            total += n;
        }
        return weighted / total;
    }

    /** {@code proposed} lowered, last matrix first and one bit at a time, until it fits; unchanged if it does. */
    public int[] enforce(int[] proposed) {
        requireLength(proposed);
        int[] bits = proposed.clone();
        for (int i = 0; i < bits.length; i++) {
            if (bits[i] < minBits) {
                throw new IllegalArgumentException("matrix " + i + " proposed at " + bits[i]
                        + " bits, below the lowest width " + minBits);
            }
        }
        while (!fits(bits)) {
            for (int i = bits.length - 1; i >= 0; i--) {
                if (bits[i] > minBits) {
                    bits[i]--;
                    if (fits(bits)) {
                        return bits;
                    }
                }
            }
        }
        return bits;
    }

    private void requireLength(int[] bits) {
        if (bits.length != matrices.size()) {
            throw new IllegalArgumentException("policy of " + bits.length + " widths " + Arrays.toString(bits)
                    + "; the budget covers " + matrices.size() + " matrices");
        }
    }
}
