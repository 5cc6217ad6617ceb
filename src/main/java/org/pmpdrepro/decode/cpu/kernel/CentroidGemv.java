package org.pmpdrepro.decode.cpu.kernel;

import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * Any-Precision's matrix (per-row tables of 2^b fp16 centroids; the b-bit code is the top b bits of the stored code,
 * so one set of bit-planes serves every width) multiplied by dequantizing in registers, the way Any-Precision's own
 * GPU kernel does: a row's table (at most 16 entries, one vector register of fp32) stays in a register, each weight's
 * code is assembled from its b bit-planes, and one lane permutation turns 16 codes into 16 weights for one
 * fused multiply-add with the input. A b-bit product reads b planes and nothing of the others.
 *
 * <p>Against the bit-plane lookup of {@link PlaneGemv#anyPrecision}, which needs 2^b - 1 lookup passes for a table
 * that is not linear in the bits (15 at 4 bits), this costs a fixed handful of vector instructions per 16 weights at
 * any width: once per 512 columns the b planes are interleaved in registers (a few shifts and bitwise blends), after
 * which a code of 16 lanes is one shift, a mask, the permutation and the FMA ({@code bench-kernels} times both on the
 * same codes: {@code benchmarks/README.md}).
 *
 * <p>Layout: rows in blocks of 16; a block stores plane after plane (most significant first), so a b-bit product of a
 * block reads b runs and skips the rest in one jump (stored row by row, a 4096-column row's planes are runs of 512
 * bytes, and one thread streamed 256 x 4096 products 1.1x (2 bits) to 1.3x (4 bits) as slowly). Within a plane the
 * block's rows go pair after pair (rows 2i and 2i + 1), a pair's groups of 512 columns in column order, each group the
 * first row's 64 bytes and then the second's: the kernel takes rows in pairs, so a pair reads one run per plane, not
 * two. A row's group holds 16 little-endian 32-bit lanes, bit j of lane i holding column {@code 512 g + 16 j + i}, so
 * the kernel never moves bits between lanes. The last group of
 * a row is padded with zero codes and the product pads its input with zeros to match, so padding adds nothing; it is
 * read and computed (at most 511 columns a row: 2.3% of an 11008-column row; the fixture model's 192-column rows are
 * computed as 512) and counts in {@link #bytesRead}. (Leftover columns kept apart in 16-bit chunks, a lane mask each,
 * read fewer bytes but made a 4096 x 11008 product at 2 bits 2.2-2.8x as slow.) A matrix whose rows are not a multiple
 * of 16 stores its last block whole (never read past its rows).
 *
 * <p>Rows go through the kernel two at a time (a pair's own tables and accumulators, one load of the input for both
 * rows' FMAs; a last odd row is paired with itself and computed twice). Each row's sum is formed in the same order as
 * one row at a time, so the result is bit-identical to it. One row at a time the input was loaded once per 16 weights,
 * 64 bytes for the 6 to 8 bytes of planes at 3 and 4 bits: an 11008-column input (44 KB) does not stay in the core's
 * 48 KB first-level cache beside the streaming planes, and that shape took 1.5-2x as long per byte as the others.
 * Measured with two threads (a harness outside the repository, 2026-12-07; {@code bench-kernels} for the committed
 * runs): in pairs alone, 4096 x 11008 at 3 bits took 1,044-1,287 µs against 1,700-1,825 and 2 bits gained 1.1-1.5x on
 * every shape, but 3 and 4 bits on the other shapes did not move. Rows stored one after another, a pair reads 2b
 * streams; a loop doing the same arithmetic per 64-byte line on one stream per row took no longer streamed than
 * cached, and with the pair's groups side by side (b streams) the same kernel took 0.5-0.8x the time of one row at a
 * time at every width and shape (4096²: 254-270, 289-304 and 396-424 µs at 2, 3 and 4 bits against 424-453, 386-405
 * and 427-430).
 *
 * <p>The kernel is written once per width (1 to 4 planes) with every vector operation in one method: a helper that
 * takes or returns vectors would, once compiled on its own, no longer be inlined and would box its vectors.
 */
public final class CentroidGemv implements Gemv {

    /** Columns of one group: 16 lanes of 32 bits. */
    static final int GROUP = 512;
    private static final int GROUP_BYTES = GROUP / 8;
    /** A group of a pair of rows: the first row's 64 bytes, then the second's. */
    private static final int PAIR_GROUP_BYTES = 2 * GROUP_BYTES;
    private static final int ENTRIES = 16;
    /** Rows handed to a thread at a time, and stored together. */
    private static final int BLOCK = 16;

    /**
     * Codes of a {@code [rows, cols]} matrix as bit-planes (most significant first), in blocks of 16 rows, off-heap.
     */
    public static final class Planes {
        private final MemorySegment segment;
        private final int rows;
        private final int cols;
        private final int bits;
        /** Groups of 512 columns, the last one padded. */
        private final int groups;
        private final long planeBytes;

        private Planes(MemorySegment segment, int rows, int cols, int bits) {
            this.segment = segment;
            this.rows = rows;
            this.cols = cols;
            this.bits = bits;
            this.groups = (cols + GROUP - 1) / GROUP;
            this.planeBytes = (long) groups * GROUP_BYTES;
        }

        private static long byteSize(int rows, int cols, int bits) {
            return (long) (rows + BLOCK - 1) / BLOCK * BLOCK * bits * ((cols + GROUP - 1) / GROUP) * GROUP_BYTES;
        }

        /** Byte of column {@code c} within its group of a row's plane (lane c % 16, bit j = c % 512 / 16 of it). */
        private static int byteInGroup(int c) {
            return c % ENTRIES * Integer.BYTES + c % GROUP / ENTRIES / 8;
        }

        private static int bitOf(int c) {
            return c % GROUP / ENTRIES % 8;
        }

        /**
         * Packs {@code codes} ({@code [rows, cols]} row-major, each in {@code [0, 2^bits)}); a code out of range is
         * refused naming {@code what}, its row and column.
         */
        public static Planes pack(int[] codes, int rows, int cols, int bits, OffHeap memory, String what) {
            checkShape(rows, cols, bits, what);
            if (codes.length != (long) rows * cols) {
                throw new IllegalArgumentException(what + ": " + codes.length + " codes for [" + rows + ", " + cols
                        + "]; expected " + (long) rows * cols);
            }
            Planes p = new Planes(memory.allocate(byteSize(rows, cols, bits)), rows, cols, bits);
            // One row's planes, group after group, then copied group by group to where the layout puts them.
            byte[] row = new byte[Math.toIntExact(bits * p.planeBytes)];
            for (int r = 0; r < rows; r++) {
                Arrays.fill(row, (byte) 0);
                for (int c = 0; c < cols; c++) {
                    int code = codes[r * cols + c];
                    if (code < 0 || code >= 1 << bits) {
                        throw new IllegalArgumentException(what + ": row " + r + " column " + c + " has code " + code
                                + "; expected 0.." + ((1 << bits) - 1));
                    }
                    int bit = bitOf(c);
                    long at = (long) c / GROUP * GROUP_BYTES + byteInGroup(c);
                    for (int plane = 0; plane < bits; plane++) {
                        row[(int) (plane * p.planeBytes + at)] |=
                                (byte) ((code >> (bits - 1 - plane) & 1) << bit);
                    }
                }
                for (int plane = 0; plane < bits; plane++) {
                    for (int g = 0; g < p.groups; g++) {
                        MemorySegment.copy(row, Math.toIntExact(plane * p.planeBytes + (long) g * GROUP_BYTES),
                                p.segment, ValueLayout.JAVA_BYTE, p.groupOffset(r, plane, g), GROUP_BYTES);
                    }
                }
            }
            return p;
        }

        /**
         * Planes of uniformly random codes from {@code seed} (SplittableRandom), filled a word at a time: for
         * benchmarks, whose timing does not depend on the codes. The padding of the last group gets random codes
         * too; they multiply the input's zero padding.
         */
        public static Planes random(int rows, int cols, int bits, long seed, OffHeap memory) {
            checkShape(rows, cols, bits, "random planes");
            Planes p = new Planes(memory.allocate(byteSize(rows, cols, bits)), rows, cols, bits);
            SplittableRandom random = new SplittableRandom(seed);
            for (long at = 0; at < p.segment.byteSize(); at += Long.BYTES) {
                p.segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at, random.nextLong());
            }
            return p;
        }

        private static void checkShape(int rows, int cols, int bits, String what) {
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException(what + ": " + bits + " bits; expected 1..8");
            }
            if (rows < 1 || cols < 1) {
                throw new IllegalArgumentException(what + ": shape [" + rows + ", " + cols + "]; expected at least"
                        + " one row and column");
            }
        }

        /** The same planes in a fresh copy of their memory (benchmarks cycle through copies to defeat the caches). */
        public Planes copy(OffHeap memory) {
            MemorySegment s = memory.allocate(segment.byteSize());
            s.copyFrom(segment);
            return new Planes(s, rows, cols, bits);
        }

        public int bits() {
            return bits;
        }

        /** Bytes the planes take (every stored plane, padding included). */
        public long byteSize() {
            return segment.byteSize();
        }

        /**
         * Where group g of row r's plane starts: a block of 16 rows stores plane after plane; a plane, the block's rows
         * pair after pair (rows 2i and 2i + 1); a pair, its groups in column order, each the first row's 64 bytes and
         * then the second's.
         */
        long groupOffset(int r, int plane, int g) {
            return ((long) (r / BLOCK) * bits + plane) * BLOCK * planeBytes + (long) (r % BLOCK / 2) * 2 * planeBytes
                    + (long) g * PAIR_GROUP_BYTES + (long) (r % 2) * GROUP_BYTES;
        }

        /** Bytes from a row's plane to its next plane. */
        long planeStride() {
            return BLOCK * planeBytes;
        }

        /** The code of {@code (r, c)} at its top {@code width} bits, read bit by bit. */
        int code(int r, int c, int width) {
            int code = 0;
            for (int plane = 0; plane < width; plane++) {
                byte b = segment.get(ValueLayout.JAVA_BYTE, groupOffset(r, plane, c / GROUP) + byteInGroup(c));
                code = code << 1 | (b >> bitOf(c) & 1);
            }
            return code;
        }
    }

    private final Planes planes;
    private final int width;
    private final String label;
    /** The fp16 tables as given, {@code [rows][2^width]}, for the reference. */
    private final short[] tables;
    /**
     * The tables as fp32 bits, 16 entries a row, a table of 2^b entries repeated 16 / 2^b times (entry i is centroid
     * i mod 2^b): one vector load per row, and a code's bits above its b-th select nothing different.
     */
    private final int[] registers;

    private CentroidGemv(Planes planes, int width, String label, short[] tables, int[] registers) {
        this.planes = planes;
        this.width = width;
        this.label = label;
        this.tables = tables;
        this.registers = registers;
    }

    /**
     * Any-Precision at {@code width} bits (1 to 4, at most the planes' bits): the top {@code width} bits of each
     * stored code index row r's table of {@code 2^width} fp16 centroids ({@code tables[r << width | code]}).
     */
    public static CentroidGemv anyPrecision(Planes planes, int width, short[] tables, String what) {
        if (width < 1 || width > planes.bits || width > 4) {
            throw new IllegalArgumentException(what + ": width " + width + "; expected 1.." + Math.min(4, planes.bits)
                    + " (the planes hold " + planes.bits + " bits; a table of up to 16 entries fits one register)");
        }
        int rows = planes.rows;
        int entries = 1 << width;
        if (tables.length != (long) rows * entries) {
            throw new IllegalArgumentException(what + ": " + tables.length + " table entries; expected "
                    + (long) rows * entries + " ([" + rows + ", " + entries + "])");
        }
        int[] registers = new int[rows * ENTRIES];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < entries; q++) {
                short h = tables[r * entries + q];
                PlaneGemv.checkFinite(h, what, "table entry " + q + " of row " + r);
            }
            for (int q = 0; q < ENTRIES; q++) {
                float centroid = Float.float16ToFloat(tables[r * entries + q % entries]);
                registers[r * ENTRIES + q] = Float.floatToRawIntBits(centroid);
            }
        }
        return new CentroidGemv(planes, width, "any-precision-" + width + "b", tables.clone(), registers);
    }

    /** This matrix over a copy of its planes (the tables are shared). */
    public CentroidGemv withPlanes(Planes copy) {
        if (copy.rows != planes.rows || copy.cols != planes.cols || copy.bits != planes.bits) {
            throw new IllegalArgumentException("planes of another shape");
        }
        return new CentroidGemv(copy, width, label, tables, registers);
    }

    @Override
    public int rows() {
        return planes.rows;
    }

    @Override
    public int cols() {
        return planes.cols;
    }

    @Override
    public String label() {
        return label;
    }

    /**
     * The width planes of every row (padding included) and each row's 2^width fp32 table entries that a code can
     * select (the kernel loads a row's 16 entries, the unused ones zero, as one 64-byte vector).
     */
    @Override
    public long bytesRead() {
        return (long) planes.rows * width * planes.planeBytes + (long) planes.rows * (Float.BYTES << width);
    }

    @Override
    public int rowBlock() {
        return BLOCK;
    }

    /** The input, and a copy padded with zeros to whole groups of 512 columns. */
    record Padded(float[] x, float[] padded) implements Prepared {}

    @Override
    public Prepared prepare(float[] x) {
        if (x.length != planes.cols) {
            throw new IllegalArgumentException(label + " [" + planes.rows + ", " + planes.cols + "]: input of "
                    + x.length);
        }
        return new Padded(x, Arrays.copyOf(x, planes.groups * GROUP));
    }

    @Override
    public void multiplyBlocks(Prepared prepared, float[] y, int fromBlock, int toBlock) {
        float[] x = ((Padded) prepared).padded();
        int from = fromBlock * BLOCK;
        int to = Math.min(planes.rows, toBlock * BLOCK);
        switch (width) {
            case 1 -> pairs1(x, y, from, to);
            case 2 -> pairs2(x, y, from, to);
            case 3 -> pairs3(x, y, from, to);
            default -> pairs4(x, y, from, to);
        }
    }

    /*
     * Once per group of 512 columns, the b planes are interleaved into codes spaced d = 1, 2, 4, 4 bits apart (b = 1,
     * 2, 3, 4): for 4 bits, q_m holds in bits 4k..4k+3 the code of column 16 (4k + m) + i of lane i (the most
     * significant plane at bit 3), built from each plane shifted into place and three bitwise blends. Code j = 4k + m
     * of 16 lanes is then q_m shifted right by 4k; the permutation reads its low 4 bits, and what lies above the code's
     * b bits (the next code, or at 3 bits a spare zero) only picks a repeat of the same centroid, since the register
     * holds the table repeated. The codes j = 0..31 of a group go round-robin to four accumulators a0..a3 (j mod 4:
     * four FMA chains, enough to hide the FMA's latency; with two, every width ran at the same speed in the core's
     * cache), which are summed (0 + 1) + (2 + 3) and then across lanes by Lanes' fixed tree: one fixed order per row
     * whatever the threads. The q vectors are loop-invariant in the inner loop (shifted by its counter, not carried
     * from one iteration to the next): vectors carried through a loop were sometimes left boxed by the JIT (products
     * 10x slower after an on-stack replacement). Rows r and s = r + 1 (or r again, for a last odd row) run side by
     * side: q and a for row r, u and b for row s, each input vector loaded once for both.
     */
    private void pairs4(float[] x, float[] y, int from, int to) {
        long planeBytes = planes.planeStride();
        MemorySegment segment = planes.segment;
        int groups = planes.groups;
        for (int r = from; r < to; r += 2) {
            int s = Math.min(r + 1, to - 1);
            IntVector table = IntVector.fromArray(Lanes.I, registers, r * ENTRIES);
            IntVector tableS = IntVector.fromArray(Lanes.I, registers, s * ENTRIES);
            FloatVector a0 = FloatVector.zero(Lanes.F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            long base = planes.groupOffset(r, 0, 0);
            long second = s == r ? 0 : GROUP_BYTES;
            for (int g = 0; g < groups; g++) {
                long at = base + (long) g * PAIR_GROUP_BYTES;
                long atS = at + second;
                IntVector p0 = IntVector.fromMemorySegment(Lanes.I, segment, at, Lanes.LE);
                IntVector p1 = IntVector.fromMemorySegment(Lanes.I, segment, at + planeBytes, Lanes.LE);
                IntVector p2 = IntVector.fromMemorySegment(Lanes.I, segment, at + 2 * planeBytes, Lanes.LE);
                IntVector p3 = IntVector.fromMemorySegment(Lanes.I, segment, at + 3 * planeBytes, Lanes.LE);
                IntVector s0 = IntVector.fromMemorySegment(Lanes.I, segment, atS, Lanes.LE);
                IntVector s1 = IntVector.fromMemorySegment(Lanes.I, segment, atS + planeBytes, Lanes.LE);
                IntVector s2 = IntVector.fromMemorySegment(Lanes.I, segment, atS + 2 * planeBytes, Lanes.LE);
                IntVector s3 = IntVector.fromMemorySegment(Lanes.I, segment, atS + 3 * planeBytes, Lanes.LE);
                IntVector q0 = p3.lanewise(BITWISE_BLEND, p2.lanewise(LSHL, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, p1.lanewise(LSHL, 2), 0x44444444)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 3), 0x88888888);
                IntVector q1 = p3.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, p2, 0x22222222)
                        .lanewise(BITWISE_BLEND, p1.lanewise(LSHL, 1), 0x44444444)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 2), 0x88888888);
                IntVector q2 = p3.lanewise(LSHR, 2).lanewise(BITWISE_BLEND, p2.lanewise(LSHR, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, p1, 0x44444444)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 1), 0x88888888);
                IntVector q3 = p3.lanewise(LSHR, 3).lanewise(BITWISE_BLEND, p2.lanewise(LSHR, 2), 0x22222222)
                        .lanewise(BITWISE_BLEND, p1.lanewise(LSHR, 1), 0x44444444)
                        .lanewise(BITWISE_BLEND, p0, 0x88888888);
                IntVector u0 = s3.lanewise(BITWISE_BLEND, s2.lanewise(LSHL, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, s1.lanewise(LSHL, 2), 0x44444444)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 3), 0x88888888);
                IntVector u1 = s3.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, s2, 0x22222222)
                        .lanewise(BITWISE_BLEND, s1.lanewise(LSHL, 1), 0x44444444)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 2), 0x88888888);
                IntVector u2 = s3.lanewise(LSHR, 2).lanewise(BITWISE_BLEND, s2.lanewise(LSHR, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, s1, 0x44444444)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 1), 0x88888888);
                IntVector u3 = s3.lanewise(LSHR, 3).lanewise(BITWISE_BLEND, s2.lanewise(LSHR, 2), 0x22222222)
                        .lanewise(BITWISE_BLEND, s1.lanewise(LSHR, 1), 0x44444444)
                        .lanewise(BITWISE_BLEND, s0, 0x88888888);
                int c = g * GROUP;
                for (int k = 0; k < 8; k++) {
                    int cc = c + 64 * k;
                    int n = 4 * k;
                    FloatVector x0 = FloatVector.fromArray(Lanes.F, x, cc);
                    FloatVector x1 = FloatVector.fromArray(Lanes.F, x, cc + 16);
                    FloatVector x2 = FloatVector.fromArray(Lanes.F, x, cc + 32);
                    FloatVector x3 = FloatVector.fromArray(Lanes.F, x, cc + 48);
                    a0 = q0.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x0, a0);
                    b0 = u0.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x0, b0);
                    a1 = q1.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x1, a1);
                    b1 = u1.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x1, b1);
                    a2 = q2.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x2, a2);
                    b2 = u2.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x2, b2);
                    a3 = q3.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x3, a3);
                    b3 = u3.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x3, b3);
                }
            }
            FloatVector t = a0.add(a1).add(a2.add(a3));
            t = t.add(t.rearrange(Lanes.SWAP_8));
            t = t.add(t.rearrange(Lanes.SWAP_4));
            t = t.add(t.rearrange(Lanes.SWAP_2));
            y[r] = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
            FloatVector v = b0.add(b1).add(b2.add(b3));
            v = v.add(v.rearrange(Lanes.SWAP_8));
            v = v.add(v.rearrange(Lanes.SWAP_4));
            v = v.add(v.rearrange(Lanes.SWAP_2));
            y[s] = v.add(v.rearrange(Lanes.SWAP_1)).lane(0);
        }
    }

    private void pairs3(float[] x, float[] y, int from, int to) {
        long planeBytes = planes.planeStride();
        MemorySegment segment = planes.segment;
        int groups = planes.groups;
        for (int r = from; r < to; r += 2) {
            int s = Math.min(r + 1, to - 1);
            IntVector table = IntVector.fromArray(Lanes.I, registers, r * ENTRIES);
            IntVector tableS = IntVector.fromArray(Lanes.I, registers, s * ENTRIES);
            FloatVector a0 = FloatVector.zero(Lanes.F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            long base = planes.groupOffset(r, 0, 0);
            long second = s == r ? 0 : GROUP_BYTES;
            for (int g = 0; g < groups; g++) {
                long at = base + (long) g * PAIR_GROUP_BYTES;
                long atS = at + second;
                IntVector p0 = IntVector.fromMemorySegment(Lanes.I, segment, at, Lanes.LE);
                IntVector p1 = IntVector.fromMemorySegment(Lanes.I, segment, at + planeBytes, Lanes.LE);
                IntVector p2 = IntVector.fromMemorySegment(Lanes.I, segment, at + 2 * planeBytes, Lanes.LE);
                IntVector s0 = IntVector.fromMemorySegment(Lanes.I, segment, atS, Lanes.LE);
                IntVector s1 = IntVector.fromMemorySegment(Lanes.I, segment, atS + planeBytes, Lanes.LE);
                IntVector s2 = IntVector.fromMemorySegment(Lanes.I, segment, atS + 2 * planeBytes, Lanes.LE);
                IntVector q0 = p2.lanewise(BITWISE_BLEND, p1.lanewise(LSHL, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 2), 0x44444444);
                IntVector q1 = p2.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, p1, 0x22222222)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 1), 0x44444444);
                IntVector q2 = p2.lanewise(LSHR, 2).lanewise(BITWISE_BLEND, p1.lanewise(LSHR, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, p0, 0x44444444);
                IntVector q3 = p2.lanewise(LSHR, 3).lanewise(BITWISE_BLEND, p1.lanewise(LSHR, 2), 0x22222222)
                        .lanewise(BITWISE_BLEND, p0.lanewise(LSHR, 1), 0x44444444);
                IntVector u0 = s2.lanewise(BITWISE_BLEND, s1.lanewise(LSHL, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 2), 0x44444444);
                IntVector u1 = s2.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, s1, 0x22222222)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 1), 0x44444444);
                IntVector u2 = s2.lanewise(LSHR, 2).lanewise(BITWISE_BLEND, s1.lanewise(LSHR, 1), 0x22222222)
                        .lanewise(BITWISE_BLEND, s0, 0x44444444);
                IntVector u3 = s2.lanewise(LSHR, 3).lanewise(BITWISE_BLEND, s1.lanewise(LSHR, 2), 0x22222222)
                        .lanewise(BITWISE_BLEND, s0.lanewise(LSHR, 1), 0x44444444);
                int c = g * GROUP;
                for (int k = 0; k < 8; k++) {
                    int cc = c + 64 * k;
                    int n = 4 * k;
                    FloatVector x0 = FloatVector.fromArray(Lanes.F, x, cc);
                    FloatVector x1 = FloatVector.fromArray(Lanes.F, x, cc + 16);
                    FloatVector x2 = FloatVector.fromArray(Lanes.F, x, cc + 32);
                    FloatVector x3 = FloatVector.fromArray(Lanes.F, x, cc + 48);
                    a0 = q0.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x0, a0);
                    b0 = u0.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x0, b0);
                    a1 = q1.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x1, a1);
                    b1 = u1.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x1, b1);
                    a2 = q2.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x2, a2);
                    b2 = u2.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x2, b2);
                    a3 = q3.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x3, a3);
                    b3 = u3.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x3, b3);
                }
            }
            FloatVector t = a0.add(a1).add(a2.add(a3));
            t = t.add(t.rearrange(Lanes.SWAP_8));
            t = t.add(t.rearrange(Lanes.SWAP_4));
            t = t.add(t.rearrange(Lanes.SWAP_2));
            y[r] = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
            FloatVector v = b0.add(b1).add(b2.add(b3));
            v = v.add(v.rearrange(Lanes.SWAP_8));
            v = v.add(v.rearrange(Lanes.SWAP_4));
            v = v.add(v.rearrange(Lanes.SWAP_2));
            y[s] = v.add(v.rearrange(Lanes.SWAP_1)).lane(0);
        }
    }

    private void pairs2(float[] x, float[] y, int from, int to) {
        long planeBytes = planes.planeStride();
        MemorySegment segment = planes.segment;
        int groups = planes.groups;
        for (int r = from; r < to; r += 2) {
            int s = Math.min(r + 1, to - 1);
            IntVector table = IntVector.fromArray(Lanes.I, registers, r * ENTRIES);
            IntVector tableS = IntVector.fromArray(Lanes.I, registers, s * ENTRIES);
            FloatVector a0 = FloatVector.zero(Lanes.F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            long base = planes.groupOffset(r, 0, 0);
            long second = s == r ? 0 : GROUP_BYTES;
            for (int g = 0; g < groups; g++) {
                long at = base + (long) g * PAIR_GROUP_BYTES;
                long atS = at + second;
                IntVector p0 = IntVector.fromMemorySegment(Lanes.I, segment, at, Lanes.LE);
                IntVector p1 = IntVector.fromMemorySegment(Lanes.I, segment, at + planeBytes, Lanes.LE);
                IntVector s0 = IntVector.fromMemorySegment(Lanes.I, segment, atS, Lanes.LE);
                IntVector s1 = IntVector.fromMemorySegment(Lanes.I, segment, atS + planeBytes, Lanes.LE);
                IntVector q0 = p1.lanewise(BITWISE_BLEND, p0.lanewise(LSHL, 1), 0xaaaaaaaa);
                IntVector q1 = p1.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, p0, 0xaaaaaaaa);
                IntVector u0 = s1.lanewise(BITWISE_BLEND, s0.lanewise(LSHL, 1), 0xaaaaaaaa);
                IntVector u1 = s1.lanewise(LSHR, 1).lanewise(BITWISE_BLEND, s0, 0xaaaaaaaa);
                int c = g * GROUP;
                for (int k = 0; k < 8; k++) {
                    int cc = c + 64 * k;
                    int n = 4 * k;
                    FloatVector x0 = FloatVector.fromArray(Lanes.F, x, cc);
                    FloatVector x1 = FloatVector.fromArray(Lanes.F, x, cc + 16);
                    FloatVector x2 = FloatVector.fromArray(Lanes.F, x, cc + 32);
                    FloatVector x3 = FloatVector.fromArray(Lanes.F, x, cc + 48);
                    a0 = q0.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x0, a0);
                    b0 = u0.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x0, b0);
                    a1 = q1.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x1, a1);
                    b1 = u1.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x1, b1);
                    a2 = q0.lanewise(LSHR, n + 2).and(15).selectFrom(table).reinterpretAsFloats().fma(x2, a2);
                    b2 = u0.lanewise(LSHR, n + 2).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x2, b2);
                    a3 = q1.lanewise(LSHR, n + 2).and(15).selectFrom(table).reinterpretAsFloats().fma(x3, a3);
                    b3 = u1.lanewise(LSHR, n + 2).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x3, b3);
                }
            }
            FloatVector t = a0.add(a1).add(a2.add(a3));
            t = t.add(t.rearrange(Lanes.SWAP_8));
            t = t.add(t.rearrange(Lanes.SWAP_4));
            t = t.add(t.rearrange(Lanes.SWAP_2));
            y[r] = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
            FloatVector v = b0.add(b1).add(b2.add(b3));
            v = v.add(v.rearrange(Lanes.SWAP_8));
            v = v.add(v.rearrange(Lanes.SWAP_4));
            v = v.add(v.rearrange(Lanes.SWAP_2));
            y[s] = v.add(v.rearrange(Lanes.SWAP_1)).lane(0);
        }
    }

    private void pairs1(float[] x, float[] y, int from, int to) {
        MemorySegment segment = planes.segment;
        int groups = planes.groups;
        for (int r = from; r < to; r += 2) {
            int s = Math.min(r + 1, to - 1);
            IntVector table = IntVector.fromArray(Lanes.I, registers, r * ENTRIES);
            IntVector tableS = IntVector.fromArray(Lanes.I, registers, s * ENTRIES);
            FloatVector a0 = FloatVector.zero(Lanes.F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            long base = planes.groupOffset(r, 0, 0);
            long second = s == r ? 0 : GROUP_BYTES;
            for (int g = 0; g < groups; g++) {
                long at = base + (long) g * PAIR_GROUP_BYTES;
                long atS = at + second;
                IntVector q = IntVector.fromMemorySegment(Lanes.I, segment, at, Lanes.LE);
                IntVector u = IntVector.fromMemorySegment(Lanes.I, segment, atS, Lanes.LE);
                int c = g * GROUP;
                for (int k = 0; k < 8; k++) {
                    int cc = c + 64 * k;
                    int n = 4 * k;
                    FloatVector x0 = FloatVector.fromArray(Lanes.F, x, cc);
                    FloatVector x1 = FloatVector.fromArray(Lanes.F, x, cc + 16);
                    FloatVector x2 = FloatVector.fromArray(Lanes.F, x, cc + 32);
                    FloatVector x3 = FloatVector.fromArray(Lanes.F, x, cc + 48);
                    a0 = q.lanewise(LSHR, n).and(15).selectFrom(table).reinterpretAsFloats().fma(x0, a0);
                    b0 = u.lanewise(LSHR, n).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x0, b0);
                    a1 = q.lanewise(LSHR, n + 1).and(15).selectFrom(table).reinterpretAsFloats().fma(x1, a1);
                    b1 = u.lanewise(LSHR, n + 1).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x1, b1);
                    a2 = q.lanewise(LSHR, n + 2).and(15).selectFrom(table).reinterpretAsFloats().fma(x2, a2);
                    b2 = u.lanewise(LSHR, n + 2).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x2, b2);
                    a3 = q.lanewise(LSHR, n + 3).and(15).selectFrom(table).reinterpretAsFloats().fma(x3, a3);
                    b3 = u.lanewise(LSHR, n + 3).and(15).selectFrom(tableS).reinterpretAsFloats().fma(x3, b3);
                }
            }
            FloatVector t = a0.add(a1).add(a2.add(a3));
            t = t.add(t.rearrange(Lanes.SWAP_8));
            t = t.add(t.rearrange(Lanes.SWAP_4));
            t = t.add(t.rearrange(Lanes.SWAP_2));
            y[r] = t.add(t.rearrange(Lanes.SWAP_1)).lane(0);
            FloatVector v = b0.add(b1).add(b2.add(b3));
            v = v.add(v.rearrange(Lanes.SWAP_8));
            v = v.add(v.rearrange(Lanes.SWAP_4));
            v = v.add(v.rearrange(Lanes.SWAP_2));
            y[s] = v.add(v.rearrange(Lanes.SWAP_1)).lane(0);
        }
    }


    @Override
    public float weight(int r, int c) {
        return Float.float16ToFloat(tables[r << width | planes.code(r, c, width)]);
    }
}
