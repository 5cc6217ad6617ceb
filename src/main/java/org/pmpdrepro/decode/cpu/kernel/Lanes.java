package org.pmpdrepro.decode.cpu.kernel;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes the kernels are written for: 16 lanes of 32 bits (one AVX-512 register). On a machine with
 * narrower vectors the Vector API still computes them, only slower.
 */
final class Lanes {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** 16 bytes: one column group of 32 rows of one bit-plane (two 4-bit nibbles a byte). */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** 16 halves: the fp16 weights of one 16-lane product. */
    static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int LANES = 16;

    /** 2^112: moves an fp16 magnitude, shifted into fp32 position, to its fp32 value. */
    private static final float HALF_EXPONENT_SHIFT = 0x1p112f;

    private Lanes() {}

    /**
     * fp16 bits (sign-extended into 32-bit lanes) to fp32, exactly, for finite values: the magnitude bits moved into
     * fp32 position form a float 2^-112 times the value (subnormals included, since fp32 keeps them), one
     * multiplication by 2^112 restores it, and the sign bit is put back. Infinities and NaN would come out finite;
     * the matrices refuse them when built.
     */
    static FloatVector widenHalf(IntVector half) {
        FloatVector magnitude = half.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                .mul(HALF_EXPONENT_SHIFT);
        return magnitude.reinterpretAsInts().or(half.and(0x80000000)).reinterpretAsFloats();
    }

    /**
     * The lanes of {@code v} summed from lane 0 up, through {@code scratch} (at least 16 long): a fixed order, where
     * {@code reduceLanes(ADD)} leaves the order of a floating-point sum to the implementation.
     */
    static float sumInOrder(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float sum = 0;
        for (int i = 0; i < v.length(); i++) {
            sum += scratch[i];
        }
        return sum;
    }

    /** fp16 magnitude bits in fp32 position (exponent and mantissa, shifted left by 13). */
    private static final int HALF_MAGNITUDE_IN_FLOAT = 0x7fff << 13;

    /** The fp16 values in the low 16 bits of each lane, as fp32, exactly (finite values; see {@link #widenHalf}). */
    static FloatVector widenLowHalves(IntVector pairs) {
        FloatVector magnitude = pairs.lanewise(VectorOperators.LSHL, 13).and(HALF_MAGNITUDE_IN_FLOAT)
                .reinterpretAsFloats().mul(HALF_EXPONENT_SHIFT);
        return magnitude.reinterpretAsInts().or(pairs.lanewise(VectorOperators.LSHL, 16).and(0x80000000))
                .reinterpretAsFloats();
    }

    /** The fp16 values in the high 16 bits of each lane, as fp32, exactly (finite values). */
    static FloatVector widenHighHalves(IntVector pairs) {
        FloatVector magnitude = pairs.lanewise(VectorOperators.LSHR, 3).and(HALF_MAGNITUDE_IN_FLOAT)
                .reinterpretAsFloats().mul(HALF_EXPONENT_SHIFT);
        return magnitude.reinterpretAsInts().or(pairs.and(0x80000000)).reinterpretAsFloats();
    }
}
