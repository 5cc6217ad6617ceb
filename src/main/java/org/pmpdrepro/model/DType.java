package org.pmpdrepro.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Element types a safetensors file may declare, with their names in the header and their widths in bytes. */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E4M3(1),
    F8_E5M2(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    I64(8),
    U64(8),
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Width of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The name used in a safetensors header (the enum constant's name). */
    public String headerName() {
        return name();
    }

    /** Whether {@link SafetensorsWriter} can store fp32 values in this type. */
    public boolean writable() {
        return switch (this) {
            case F32, F16, BF16 -> true;
            default -> false;
        };
    }

    /**
     * Whether a model's weights may be stored in this type: the floating-point types checkpoints use. Integer and
     * boolean data widened to fp32 would decode as garbage rather than fail.
     */
    public boolean holdsWeights() {
        return switch (this) {
            case F32, F16, BF16 -> true;
            default -> false;
        };
    }

    /** The types {@link #holdsWeights()} accepts, for error messages. */
    public static final String WEIGHT_TYPES = "F32, F16 or BF16";

    /** The type a safetensors header names, if it is one of these. */
    public static Optional<DType> fromHeaderName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The header names of all known types, for error messages. */
    public static String known() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
