package org.pmpdrepro.model;

import java.nio.ByteBuffer;

/** Converts little-endian elements of any safetensors type into fp32 values. */
final class FloatWidening {

    private FloatWidening() {}

    /** Reads {@code n} elements of {@code type} from {@code src} (little-endian) into {@code dst[at..]}. */
    static void widen(DType type, ByteBuffer src, float[] dst, int at, int n) {
        switch (type) {
            case F32 -> src.asFloatBuffer().get(dst, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Float.float16ToFloat(src.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = bf16ToFloat(src.getShort(2 * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = (float) src.getDouble(8 * i);
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < n; i++) {
                    // E5M2 is the upper byte of an IEEE half.
                    dst[at + i] = Float.float16ToFloat((short) (src.get(i) << 8));
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = e4m3ToFloat(src.get(i));
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.get(i) != 0 ? 1f : 0f;
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.get(i) & 0xff;
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.get(i);
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.getShort(2 * i);
                }
            }
            case U16 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.getShort(2 * i) & 0xffff;
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.getInt(4 * i);
                }
            }
            case U32 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.getInt(4 * i) & 0xffff_ffffL;
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = src.getLong(8 * i);
                }
            }
            case U64 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = unsignedToFloat(src.getLong(8 * i));
                }
            }
        }
    }

    /** bfloat16 is the upper half of an fp32 bit pattern, so widening is exact. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** OCP FP8 E4M3 ("fn" variant): bias 7, no infinities, S.1111.111 is NaN. */
    static float e4m3ToFloat(byte b) {
        int sign = (b & 0x80) != 0 ? -1 : 1;
        int exp = (b >>> 3) & 0x0f;
        int mant = b & 0x07;
        if (exp == 0x0f && mant == 0x07) {
            return Float.NaN;
        }
        float magnitude = exp == 0 ? Math.scalb(mant / 8f, -6) : Math.scalb(1f + mant / 8f, exp - 7);
        return sign * magnitude;
    }

    private static float unsignedToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        // Halve with the lost bit folded in (round-to-odd) so the final rounding to float stays correct.
        return 2f * ((v >>> 1) | (v & 1));
    }
}
