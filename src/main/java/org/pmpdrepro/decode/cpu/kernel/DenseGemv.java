package org.pmpdrepro.decode.cpu.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An unquantized matrix, row-major and little-endian in off-heap memory: fp32 (the project's full precision) or
 * fp16 (the baseline every low-bit kernel is compared with), widened to fp32 in vector registers.
 */
public final class DenseGemv implements Gemv {

    /** How one weight is stored. */
    public enum Element {
        F32(4),
        F16(2);

        private final int bytes;

        Element(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK = 16;

    private final MemorySegment segment;
    private final int rows;
    private final int cols;
    private final Element element;

    private DenseGemv(MemorySegment segment, int rows, int cols, Element element) {
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
        this.element = element;
    }

    /**
     * A copy of {@code weights} ({@code [rows, cols]} row-major) stored as {@code element} in {@code memory}; a weight
     * outside the fp16 range is refused, naming {@code what} and where it is.
     */
    public static DenseGemv of(float[] weights, int rows, int cols, Element element, OffHeap memory, String what) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(what + ": shape [" + rows + ", " + cols + "]; expected at least one row"
                    + " and column");
        }
        if (weights.length != (long) rows * cols) {
            throw new IllegalArgumentException(what + ": " + weights.length + " weights for [" + rows + ", " + cols
                    + "]; expected " + (long) rows * cols);
        }
        MemorySegment s = memory.allocate((long) weights.length * element.bytes());
        for (int i = 0; i < weights.length; i++) {
            if (!Float.isFinite(weights[i])) {
                throw new IllegalArgumentException(what + ": row " + i / cols + " column " + i % cols + " is "
                        + weights[i] + "; expected a finite weight");
            }
            if (element == Element.F32) {
                s.setAtIndex(F32, i, weights[i]);
            } else {
                short h = Float.floatToFloat16(weights[i]);
                if ((h & 0x7c00) == 0x7c00) {
                    throw new IllegalArgumentException(what + ": weight " + weights[i] + " at row " + i / cols
                            + " column " + i % cols + " is outside the fp16 range");
                }
                s.setAtIndex(F16, i, h);
            }
        }
        return new DenseGemv(s, rows, cols, element);
    }

    /** The same matrix in a fresh copy of its memory (benchmarks cycle through copies to defeat the caches). */
    public DenseGemv copy(OffHeap memory) {
        MemorySegment s = memory.allocate(segment.byteSize());
        s.copyFrom(segment);
        return new DenseGemv(s, rows, cols, element);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String label() {
        return element == Element.F32 ? "fp32" : "fp16";
    }

    @Override
    public long bytesRead() {
        return (long) rows * cols * element.bytes();
    }

    @Override
    public int rowBlock() {
        return BLOCK;
    }

    @Override
    public Prepared prepare(float[] x) {
        if (x.length != cols) {
            throw new IllegalArgumentException(label() + " [" + rows + ", " + cols + "]: input of " + x.length);
        }
        return element == Element.F32 ? new Plain(x) : Halves.of(x);
    }

    @Override
    public void multiplyBlocks(Prepared prepared, float[] y, int fromBlock, int toBlock) {
        int to = Math.min(rows, toBlock * BLOCK);
        for (int r = fromBlock * BLOCK; r < to; r++) {
            y[r] = element == Element.F32 ? dotF32(r, prepared.x()) : dotF16(r, (Halves) prepared);
        }
    }

    /** Four accumulators over 64-column blocks (the FMA latency chain), then 16-column blocks, then scalars. */
    private float dotF32(int r, float[] x) {
        long base = (long) r * cols * 4;
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int c = 0;
        for (; c + 64 <= cols; c += 64) {
            long o = base + 4L * c;
            a0 = FloatVector.fromMemorySegment(Lanes.F, segment, o, Lanes.LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, c), a0);
            a1 = FloatVector.fromMemorySegment(Lanes.F, segment, o + 64, Lanes.LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, c + 16), a1);
            a2 = FloatVector.fromMemorySegment(Lanes.F, segment, o + 128, Lanes.LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, c + 32), a2);
            a3 = FloatVector.fromMemorySegment(Lanes.F, segment, o + 192, Lanes.LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, c + 48), a3);
        }
        for (; c + 16 <= cols; c += 16) {
            a0 = FloatVector.fromMemorySegment(Lanes.F, segment, base + 4L * c, Lanes.LE)
                    .fma(FloatVector.fromArray(Lanes.F, x, c), a0);
        }
        FloatVector t = a0.add(a1).add(a2.add(a3));
        t = t.add(t.rearrange(Lanes.SWAP_8));
        t = t.add(t.rearrange(Lanes.SWAP_4));
        t = t.add(t.rearrange(Lanes.SWAP_2));
        float sum = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
        for (; c < cols; c++) {
            sum += segment.get(F32, base + 4L * c) * x[c];
        }
        return sum;
    }

    /**
     * fp16 rows read 32 bits at a time: each int lane holds two neighbouring weights (column 2m in its low half, 2m + 1
     * in its high half, little-endian), widened in place without moving lanes (the steps described in a note in {@code
     * Lanes}, written out here so that nothing boxes), and multiplied with the input's even and odd columns ({@link
     * Halves}).
     */
    private float dotF16(int r, Halves h) {
        long base = (long) r * cols * 2;
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int pairs = cols / 2;
        int m = 0;
        for (; m + 32 <= pairs; m += 32) {
            IntVector v0 = IntVector.fromMemorySegment(Lanes.I, segment, base + 4L * m, Lanes.LE);
            IntVector v1 = IntVector.fromMemorySegment(Lanes.I, segment, base + 4L * m + 64, Lanes.LE);
            a0 = v0.lanewise(VectorOperators.LSHL, 13).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts()
                    .or(v0.lanewise(VectorOperators.LSHL, 16).and(Lanes.SIGN))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.even(), m), a0);
            a1 = v0.lanewise(VectorOperators.LSHR, 3).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(v0.and(Lanes.SIGN)).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.odd(), m), a1);
            a2 = v1.lanewise(VectorOperators.LSHL, 13).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts()
                    .or(v1.lanewise(VectorOperators.LSHL, 16).and(Lanes.SIGN))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.even(), m + 16), a2);
            a3 = v1.lanewise(VectorOperators.LSHR, 3).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(v1.and(Lanes.SIGN)).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.odd(), m + 16), a3);
        }
        for (; m + 16 <= pairs; m += 16) {
            IntVector v = IntVector.fromMemorySegment(Lanes.I, segment, base + 4L * m, Lanes.LE);
            a0 = v.lanewise(VectorOperators.LSHL, 13).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts()
                    .or(v.lanewise(VectorOperators.LSHL, 16).and(Lanes.SIGN))
                    .reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.even(), m), a0);
            a1 = v.lanewise(VectorOperators.LSHR, 3).and(Lanes.HALF_MAGNITUDE_IN_FLOAT).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(v.and(Lanes.SIGN)).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Lanes.F, h.odd(), m), a1);
        }
        FloatVector t = a0.add(a1).add(a2.add(a3));
        t = t.add(t.rearrange(Lanes.SWAP_8));
        t = t.add(t.rearrange(Lanes.SWAP_4));
        t = t.add(t.rearrange(Lanes.SWAP_2));
        float sum = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
        float[] x = h.x();
        for (int c = 2 * m; c < cols; c++) {
            sum += Float.float16ToFloat(segment.get(F16, base + 2L * c)) * x[c];
        }
        return sum;
    }

    /** The input with its even and odd columns apart, for the fp16 kernel. */
    record Halves(float[] x, float[] even, float[] odd) implements Prepared {
        static Halves of(float[] x) {
            float[] even = new float[x.length / 2];
            float[] odd = new float[x.length / 2];
            for (int m = 0; m < even.length; m++) {
                even[m] = x[2 * m];
                odd[m] = x[2 * m + 1];
            }
            return new Halves(x, even, odd);
        }
    }

    @Override
    public float weight(int r, int c) {
        long i = (long) r * cols + c;
        return element == Element.F32 ? segment.getAtIndex(F32, i) : Float.float16ToFloat(segment.getAtIndex(F16, i));
    }
}
