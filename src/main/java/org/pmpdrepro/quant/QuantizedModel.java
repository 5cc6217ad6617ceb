package org.pmpdrepro.quant;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * What a {@link Quantizer} returns: the quantized linear matrices of a model ({@link LinearId#all}), servable at
 * each of {@link #bitWidths()}. Implementations are immutable and live in the method's sub-package.
 */
public interface QuantizedModel {

    /** Name of the quantization method, such as {@code "rtn"} or {@code "any-precision"}. */
    String method();

    /** The architecture the matrices belong to. */
    LlamaConfig config();

    /** The uniform bit-widths this model serves. */
    SortedSet<Integer> bitWidths();

    /**
     * The matrix {@code proj} of block {@code layer} as it is served at {@code bits}: fp32, Hugging Face layout
     * {@code [out, in]}. Asking for a width outside {@link #bitWidths()} is an error.
     */
    Tensor dequantized(int layer, Linear proj, int bits);

    /**
     * Whether {@link #dequantizedRows} decodes a band of rows without the whole matrix (so a caller building a
     * matrix band by band holds no full-size array on the heap); otherwise it is served from {@link #dequantized}.
     */
    default boolean dequantizesByRows() {
        return false;
    }

    /**
     * Rows {@code [from, to)} of {@link #dequantized}{@code (layer, proj, bits)}, a matrix of {@code cols} columns,
     * row-major into {@code out} from index 0. A matrix of another width is an error naming both.
     */
    default void dequantizedRows(int layer, Linear proj, int bits, int from, int to, int cols, float[] out) {
        Tensor t = dequantized(layer, proj, bits);
        if (t.rank() != 2 || t.dim(1) != cols || from < 0 || to > t.dim(0) || from > to) {
            throw new IllegalStateException(method() + " matrix '" + t.name() + "' at " + bits + " bits has shape "
                    + java.util.Arrays.toString(t.shape()) + "; rows " + from + ".." + to + " of " + cols
                    + " columns were asked for");
        }
        System.arraycopy(t.data(), from * cols, out, 0, (to - from) * cols);
    }

    /**
     * Named per-matrix bit-width policies this model serves besides its uniform widths (mixed-precision methods);
     * every width a policy uses is one of {@link #bitWidths()}, so {@link #dequantized} serves each matrix of it.
     */
    default Map<String, BitPolicy> policies() {
        return Map.of();
    }

    /**
     * The per-matrix policy a precision label names: one of {@link #policies()}, or a {@link TwoWidthPolicy} label;
     * empty for any other label.
     */
    default Optional<BitPolicy> policy(String label) {
        BitPolicy published = policies().get(label);
        return published != null ? Optional.of(published) : TwoWidthPolicy.parse(label, config());
    }

    /**
     * Weight bytes one decode step reads under {@code policy}, counted matrix by matrix; empty where the method
     * does not account per matrix.
     */
    default OptionalLong bytesReadPerToken(BitPolicy policy) {
        return OptionalLong.empty();
    }

    /**
     * The gain of {@code norm} in block {@code layer} between a matrix at {@code fromBits} that wrote its input
     * ({@link LinearId#writtenBefore}; equal to {@code toBits} where none did) and matrices at {@code toBits} that
     * read its output, for methods that keep norms per width transition (Bit-Mixer's transitional norms); empty, the
     * default, means the model's own full-precision norm.
     */
    default Optional<Tensor> normWeight(int layer, BlockNorm norm, int fromBits, int toBits) {
        return Optional.empty();
    }

    /**
     * The codes and value rule of {@code proj} in block {@code layer} at {@code bits}, for kernels that compute on
     * codes ({@link KernelMatrices}); empty, the default, for a method that keeps no such form.
     */
    default Optional<CodedMatrix> coded(int layer, Linear proj, int bits) {
        return Optional.empty();
    }

    /** Resident and per-token bytes of serving all of {@code precisions} (a subset of {@link #bitWidths()}). */
    MemoryFootprint memory(Set<Integer> precisions);

    /** Weight bytes one decode step reads at {@code bits}: packed codes and every side table read with them. */
    default long bytesReadPerToken(int bits) {
        return memory(Set.of(bits)).bytesReadPerToken(bits);
    }

    /**
     * Resident and per-token bytes of serving the named {@link #policies()}; empty, the default, for a back-bone
     * whose policies (if any) have no per-matrix accounting.
     */
    default Optional<PolicyFootprint> policyMemory(Set<String> names) {
        return Optional.empty();
    }

    /** The number of weights in the quantized matrices ({@link LinearId#all}): the denominator of effective bits. */
    default long quantizedWeights() {
        long n = 0;
        for (LinearId id : LinearId.all(config())) {
            n += BitPolicy.parameters(config(), id.proj());
        }
        return n;
    }

    /**
     * The bits per quantized weight that {@code bytesPerToken} weight bytes read per decode step amount to:
     * {@code bytes x 8 / weights}, codes and tables together (what a memory-bound kernel pays for).
     */
    default double effectiveBits(double bytesPerToken) {
        return bytesPerToken * 8 / quantizedWeights();
    }
}
