package org.pmpdrepro.decode.cpu.kernel;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShuffle;
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

    /** 2^112: moves an fp16 magnitude, shifted into fp32 position, to its fp32 value. */
    static final float HALF_EXPONENT_SHIFT = 0x1p112f;

    private Lanes() {}

    /*
     * fp16 to fp32, exactly, for finite values, in 32-bit lanes: the fp16 magnitude bits (exponent and mantissa) moved
     * into fp32 position (shifted left by 13 from the low half, right by 3 from the high half) form a float 2^-112
     * times the value (subnormals included, since fp32 keeps them); one multiplication by 2^112 restores it, and the
     * sign bit is put back. Infinities and NaN would come out finite; the matrices refuse them when built. The kernels
     * write these steps inline (see the note on the sums below).
     */

    /*
     * A row's lanes are summed as a fixed tree: lane i with lane i ^ 8, then ^ 4, ^ 2, ^ 1, lane 0 the result. Every
     * step is a lane permutation and a lanewise add, so the order is the same compiled or interpreted and on any
     * machine (reduceLanes(ADD) leaves the order of a floating-point sum to the implementation). The kernels write the
     * four steps inline: a helper taking a vector, once compiled on its own, is no longer inlined and boxes its
     * argument (measured: a 4096 x 4096 product 25% slower).
     */
    static final VectorShuffle<Float> SWAP_8 = VectorShuffle.fromOp(F, i -> i ^ 8);
    static final VectorShuffle<Float> SWAP_4 = VectorShuffle.fromOp(F, i -> i ^ 4);
    static final VectorShuffle<Float> SWAP_2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    static final VectorShuffle<Float> SWAP_1 = VectorShuffle.fromOp(F, i -> i ^ 1);

    /** fp16 magnitude bits in fp32 position (exponent and mantissa, shifted left by 13). */
    static final int HALF_MAGNITUDE_IN_FLOAT = 0x7fff << 13;

    /** The sign bit of a 32-bit lane. */
    static final int SIGN = 0x80000000;
}
