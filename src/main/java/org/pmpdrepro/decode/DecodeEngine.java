package org.pmpdrepro.decode;

import java.util.Arrays;
import java.util.Locale;

/** Which decoder runs a task: DJL's forward pass (the default) or the packed Java engine on the CPU kernels. */
public enum DecodeEngine {
    /** {@link GreedyDecoder}: dequantized fp32 weights in DJL's forward pass, batched, on the CPU or a GPU. */
    DJL,
    /** {@code decode.cpu.JavaDecoder}: the packed bit-plane kernels, batch 1, on the CPU. */
    JAVA,
    /**
     * As {@link #JAVA}, with uniform grids (RTN, GPTQ) and Any-Precision at 2 bits multiplied by the 16-bit integer
     * table-lookup kernel ({@code decode.cpu.kernel.LookupGemv}): faster, with the input's sums rounded, so not the
     * exact product.
     */
    JAVA_INT16;

    /** The name as command lines spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether this is one of the packed Java engine's forms. */
    public boolean isJava() {
        return this != DJL;
    }

    /** The engine named {@code id}; another name is an error listing both. */
    public static DecodeEngine parse(String id) {
        for (DecodeEngine e : values()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("engine '" + id + "'; expected one of "
                + Arrays.stream(values()).map(DecodeEngine::id).toList());
    }
}
