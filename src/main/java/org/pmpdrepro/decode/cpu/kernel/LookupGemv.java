package org.pmpdrepro.decode.cpu.kernel;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A uniform grid's matrix (RTN, GPTQ: {@code w = offset + code * scale}, fp16 offset and scale per row and group of
 * columns), or Any-Precision's at 2 bits (below), multiplied by table lookup in 16-bit integers, the way T-MAC's CPU
 * kernels work: per group of 4 input columns a product tabulates the 16 sums of those columns that a 4-bit pattern selects, rounded to integers of at
 * most {@value #LIMIT} in magnitude on a scale shared by a segment of {@value #SEGMENT} columns; each 4-bit nibble of a
 * bit-plane then picks its sum for 32 rows at once (one 16-bit lane permutation), and the picks are added in 16-bit
 * lanes, one accumulator per nibble position (4 picks of at most 8191 cannot overflow), before a segment's total goes
 * to 32 bits and then fp32.
 *
 * <p>This changes the arithmetic: the input's sums are rounded to 14 bits per segment before the weights' codes
 * select them (llama.cpp's Q4_0 and Q8_0 kernels likewise round the input, to 8 bits). A row's result differs from
 * the exact product of its weights by at most {@link #roundingBound}: per segment, half its table scale (its largest
 * sum over 8191) times the largest code, the row's |scale| and a plane's picks in it. On Gaussian inputs and grids
 * of offset -0.4 and scale 0.05 (weights centred near zero at 4 bits; at 2 and 3 bits the exact offset term is a larger
 * part of the result, which makes the relative error smaller) the root-mean-square error was 0.004-0.014% of the rows'
 * root-mean-square result at 2-8 bits ({@code LookupGemvTest}); in the engine on the fixture model, logits within
 * 0.18% of the largest ({@code JavaEngineConformanceTest}). {@link PlaneGemv} computes the same grid in fp32 without
 * rounding the input. (A first form with 1023 steps per 128 columns and one accumulator was about as fast but 8 times
 * coarser: it changed the engine's greedy tokens in 24 of the 144 fixture decodes.)
 *
 * <p>Layout: rows in blocks of 32; columns in chunks of 16 (a group that is not a multiple of 16 columns wide, and
 * not the whole row, starts a chunk of its own, padded with zero codes); per row block and plane, 64 bytes a chunk:
 * 32 little-endian 16-bit lanes, lane i for row i of the block, bit 4m + j holding packed column 16 k + 4m + j of chunk
 * k. A row block's planes lie one after another, so a b-bit product reads b streams and no other plane.
 *
 * <p>Any-Precision at 2 bits ({@link #anyPrecision}) takes the same tables: a row's 4 centroids are not linear in the
 * code's bits, so the table is written as {@code c0 + a1 h + a2 l + a3 h l} over the code's high and low bits h and l
 * (its Moebius expansion, {@link PlaneGemv#anyPrecision}'s), and a product looks up three bit-planes per chunk, the
 * third the AND of the two stored ones, each with its own per-row coefficient: 12 lookups per 512 weights, against
 * {@link CentroidGemv}'s 32 permutations and 32 fused multiply-adds. (At 3 bits the expansion has 7 terms and at 4 bits
 * 15; 3 bits measured no faster than {@link CentroidGemv}, so only 2 bits is offered.) Its accumulators go to 32 bits
 * as even and odd rows (a shift pair per accumulator instead of a lane permutation), and the coefficients are stored in
 * that order.
 */
public final class LookupGemv implements Gemv {

    /** Rows of one block (one 16-bit lane each). */
    public static final int BLOCK = 32;
    /** Columns of one chunk: 4 nibbles of a 16-bit lane. */
    static final int CHUNK = 16;
    private static final int CHUNK_BYTES = BLOCK * 2;
    private static final int NIBBLE = 4;
    /** Columns whose table sums share one scale and one 16-bit accumulation. */
    static final int SEGMENT = 64;
    /** The largest magnitude of a table entry: an accumulator's picks in a segment (one a chunk) sum within 16 bits. */
    static final int LIMIT = 8191;
    /** Entries of one table as the kernel loads it: the 16 sums twice (a two-table permutation reads 6 index bits). */
    private static final int TABLE = 32;

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;

    /** Codes of a {@code [rows, cols]} matrix as bit-planes (most significant first), in off-heap memory. */
    public static final class Planes {
        private final MemorySegment segment;
        private final int rows;
        private final int cols;
        private final int bits;
        /** 0, or the width of the column runs each padded to a multiple of 16 columns (groups of a uniform grid). */
        private final int run;
        private final int paddedRun;
        private final int chunks;
        private final int rowBlocks;

        private Planes(MemorySegment segment, int rows, int cols, int bits, int run) {
            this.segment = segment;
            this.rows = rows;
            this.cols = cols;
            this.bits = bits;
            this.run = run;
            this.paddedRun = run == 0 ? 0 : roundUp(run);
            this.chunks = packedColumn(cols - 1) / CHUNK + 1;
            this.rowBlocks = (rows + BLOCK - 1) / BLOCK;
        }

        private static long byteSize(int rows, int cols, int bits, int run) {
            Planes shape = new Planes(null, rows, cols, bits, run);
            return (long) shape.rowBlocks * bits * shape.chunks * CHUNK_BYTES;
        }

        /** Where column {@code c} lies in the packed layout (runs padded to whole chunks). */
        int packedColumn(int c) {
            return run == 0 ? c : c / run * paddedRun + c % run;
        }

        /** The column at packed position {@code q}, or -1 for padding. */
        int originalColumn(int q) {
            int c = run == 0 ? q : (q % paddedRun < run ? q / paddedRun * run + q % paddedRun : -1);
            return c < cols ? c : -1;
        }

        /**
         * Packs {@code codes} ({@code [rows, cols]} row-major, each in {@code [0, 2^bits)}), each run of {@code run}
         * columns (0: none) starting a chunk of its own; a code out of range is refused naming {@code what}, its row
         * and column.
         */
        public static Planes pack(int[] codes, int rows, int cols, int bits, int run, OffHeap memory, String what) {
            checkShape(rows, cols, bits, run, what);
            if (codes.length != (long) rows * cols) {
                throw new IllegalArgumentException(what + ": " + codes.length + " codes for [" + rows + ", " + cols
                        + "]; expected " + (long) rows * cols);
            }
            Planes p = new Planes(memory.allocate(byteSize(rows, cols, bits, run)), rows, cols, bits, run);
            short[] block = new short[bits * p.chunks * BLOCK];
            for (int rb = 0; rb < p.rowBlocks; rb++) {
                java.util.Arrays.fill(block, (short) 0);
                for (int r = rb * BLOCK; r < Math.min(rows, rb * BLOCK + BLOCK); r++) {
                    for (int c = 0; c < cols; c++) {
                        int code = codes[r * cols + c];
                        if (code < 0 || code >= 1 << bits) {
                            throw new IllegalArgumentException(what + ": row " + r + " column " + c + " has code "
                                    + code + "; expected 0.." + ((1 << bits) - 1));
                        }
                        int q = p.packedColumn(c);
                        for (int plane = 0; plane < bits; plane++) {
                            if ((code >> (bits - 1 - plane) & 1) != 0) {
                                int at = (plane * p.chunks + q / CHUNK) * BLOCK + r % BLOCK;
                                block[at] = (short) (block[at] | 1 << (q % CHUNK));
                            }
                        }
                    }
                }
                MemorySegment.copy(block, 0, p.segment, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Lanes.LE),
                        p.offset(rb, 0, 0), block.length);
            }
            return p;
        }

        /**
         * Planes of uniformly random codes from {@code seed} (SplittableRandom), filled a word at a time: for
         * benchmarks, whose timing does not depend on the codes, of shapes with whole row blocks and chunks.
         */
        public static Planes random(int rows, int cols, int bits, long seed, OffHeap memory) {
            checkShape(rows, cols, bits, 0, "random planes");
            if (rows % BLOCK != 0 || cols % CHUNK != 0) {
                throw new IllegalArgumentException("random planes [" + rows + ", " + cols + "]; expected rows a"
                        + " multiple of " + BLOCK + " and columns of " + CHUNK);
            }
            Planes p = new Planes(memory.allocate(byteSize(rows, cols, bits, 0)), rows, cols, bits, 0);
            SplittableRandom random = new SplittableRandom(seed);
            for (long at = 0; at < p.segment.byteSize(); at += Long.BYTES) {
                p.segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at, random.nextLong());
            }
            return p;
        }

        private static void checkShape(int rows, int cols, int bits, int run, String what) {
            if (run < 0) {
                throw new IllegalArgumentException(what + ": runs of " + run + " columns; expected 0 (none) or more");
            }
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
            return new Planes(s, rows, cols, bits, run);
        }

        public int bits() {
            return bits;
        }

        /** Bytes the planes take (every stored plane, padding included). */
        public long byteSize() {
            return segment.byteSize();
        }

        long offset(int rowBlock, int plane, int chunk) {
            return (((long) rowBlock * bits + plane) * chunks + chunk) * CHUNK_BYTES;
        }

        /** The code of {@code (r, c)}, read bit by bit. */
        int code(int r, int c) {
            int code = 0;
            int q = packedColumn(c);
            for (int plane = 0; plane < bits; plane++) {
                short lane = segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Lanes.LE),
                        offset(r / BLOCK, plane, q / CHUNK) + 2L * (r % BLOCK));
                code = code << 1 | (lane >> (q % CHUNK) & 1);
            }
            return code;
        }
    }

    private final Planes planes;
    private final String label;
    /** fp16 offsets and scales, {@code [rowBlocks][groups][32]}. */
    private final short[] offsets;
    private final short[] scales;
    private final int groupCols;
    private final int groups;
    /**
     * Segments: chunk ranges {@code [segmentFrom[s], segmentFrom[s + 1])} of at most {@value #SEGMENT} columns, none
     * across a group; group g's segments are {@code [groupSegments[g], groupSegments[g + 1])}.
     */
    private final int[] segmentFrom;
    private final int[] groupSegments;

    /** Any-Precision's width (2), or 0 for a uniform grid. */
    private final int width;
    /**
     * Any-Precision's coefficients as fp32, {@code [rowBlocks][4][32]}: the centroid of code 0, then those of the high
     * bit, the low bit and their product; a block's 32 rows even rows first ({@code 2i} in lane i, {@code 2i + 1} in
     * lane 16 + i), the last block's missing rows zero.
     */
    private final float[] coefficients;
    /** Any-Precision's fp16 tables as given, {@code [rows][4]}, for the reference. */
    private final short[] centroids;

    private LookupGemv(Planes planes, String label, short[] offsets, short[] scales, int groupCols, int[] segmentFrom,
            int[] groupSegments, int width, float[] coefficients, short[] centroids) {
        this.planes = planes;
        this.label = label;
        this.offsets = offsets;
        this.scales = scales;
        this.groupCols = groupCols;
        this.groups = groupSegments.length - 1;
        this.segmentFrom = segmentFrom;
        this.groupSegments = groupSegments;
        this.width = width;
        this.coefficients = coefficients;
        this.centroids = centroids;
    }

    /**
     * A uniform grid: {@code w = fp32(offset) + code * fp32(scale)}, per row and group of {@code groupCols} columns an
     * fp16 offset and scale ({@code [rows, groups]} row-major). {@code groupCols} is a multiple of 16, the whole row
     * (or more), or the width of the runs the planes were packed with.
     */
    public static LookupGemv uniform(Planes planes, int groupCols, short[] offsets, short[] scales, String what) {
        int rows = planes.rows;
        boolean wholeRow = groupCols >= planes.cols;
        if (groupCols < 1 || (planes.run != 0 && (wholeRow || planes.run != groupCols))
                || (planes.run == 0 && !wholeRow && groupCols % CHUNK != 0)) {
            throw new IllegalArgumentException(what + ": groups of " + groupCols + " columns on planes packed with"
                    + " runs of " + planes.run + "; expected a multiple of " + CHUNK + ", the whole row (" + planes.cols
                    + ") or planes packed with runs of the group's width");
        }
        int g = (planes.cols + groupCols - 1) / groupCols;
        // The same 32-row blocks as PlaneGemv's, so the side tables take its layout.
        short[][] side = PlaneGemv.blockedSideTables(offsets, scales, rows, g, what);
        int width = wholeRow ? planes.cols : groupCols;
        int[] groupSegments = new int[g + 1];
        String label = "uniform-" + planes.bits + "b-" + (wholeRow ? "row" : "g" + groupCols) + "-lut16";
        return new LookupGemv(planes, label, side[0], side[1], width, segments(planes, width, groupSegments),
                groupSegments, 0, null, null);
    }

    /**
     * The segments of groups of {@code width} columns (see {@link #segmentFrom}); fills {@code groupSegments}, one
     * entry per group and one more.
     */
    private static int[] segments(Planes planes, int width, int[] groupSegments) {
        int g = groupSegments.length - 1;
        java.util.List<Integer> from = new java.util.ArrayList<>();
        for (int j = 0; j < g; j++) {
            groupSegments[j] = from.size();
            int first = planes.packedColumn(j * width) / CHUNK;
            int last = planes.packedColumn(Math.min(planes.cols, (j + 1) * width) - 1) / CHUNK;
            for (int k = first; k <= last; k += SEGMENT / CHUNK) {
                from.add(k);
            }
        }
        groupSegments[g] = from.size();
        from.add(planes.chunks);
        return from.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Any-Precision at 2 bits: the top 2 bits of each stored code (planes packed without runs, at least 2 bits) index
     * row r's table of 4 fp16 centroids ({@code tables[r << 2 | code]}).
     */
    public static LookupGemv anyPrecision(Planes planes, int width, short[] tables, String what) {
        if (planes.run != 0) {
            throw new IllegalArgumentException(what + ": planes packed with runs of " + planes.run + " columns;"
                    + " Any-Precision's tables are per row, so its planes are packed without runs");
        }
        if (width != 2 || planes.bits < 2) {
            throw new IllegalArgumentException(what + ": width " + width + " on planes of " + planes.bits + " bits;"
                    + " the 16-bit lookup kernel serves Any-Precision at 2 bits (planes of 2 or more bits)");
        }
        int rows = planes.rows;
        if (tables.length != (long) rows * 4) {
            throw new IllegalArgumentException(what + ": " + tables.length + " table entries; expected "
                    + (long) rows * 4 + " ([" + rows + ", 4])");
        }
        float[] coefficients = new float[planes.rowBlocks * 4 * BLOCK];
        for (int r = 0; r < rows; r++) {
            // Sets of planes: 1 the high bit's, 2 the low bit's, 3 both.
            double[] c = PlaneGemv.moebius(tables, r, width, what);
            for (int term = 0; term < 4; term++) {
                coefficients[((r / BLOCK) * 4 + term) * BLOCK + evenOddLane(r)] = (float) c[term];
            }
        }
        int[] groupSegments = new int[2];
        return new LookupGemv(planes, "any-precision-" + width + "b-lut16", null, null, planes.cols,
                segments(planes, planes.cols, groupSegments), groupSegments, width, coefficients, tables.clone());
    }

    /** Row r's lane in its block's even-rows-first order ({@code 2i} in lane i, {@code 2i + 1} in lane 16 + i). */
    private static int evenOddLane(int r) {
        return r % BLOCK % 2 * 16 + r % BLOCK / 2;
    }

    private static int roundUp(int cols) {
        return (cols + CHUNK - 1) / CHUNK * CHUNK;
    }

    /** This matrix over a copy of its planes (the side tables are shared). */
    public LookupGemv withPlanes(Planes copy) {
        if (copy.rows != planes.rows || copy.cols != planes.cols || copy.bits != planes.bits
                || copy.run != planes.run) {
            throw new IllegalArgumentException("planes of another shape");
        }
        return new LookupGemv(copy, label, offsets, scales, groupCols, segmentFrom, groupSegments, width, coefficients,
                centroids);
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
     * Uniform: the planes (padding included) and each row's fp16 offset and scale per group. Any-Precision: its 2
     * planes (of however many stored) and each row's 4 fp32 coefficients.
     */
    @Override
    public long bytesRead() {
        if (width > 0) {
            return planes.byteSize() / planes.bits * width + (long) Float.BYTES * coefficients.length;
        }
        return planes.byteSize() + 2L * 2 * offsets.length;
    }

    @Override
    public int rowBlock() {
        return BLOCK;
    }

    /**
     * The input's tables ({@code [chunks * 4][32]}: per group of 4 packed columns its 16 sums, twice, as integers),
     * each segment's scale (a table entry times it is the sum it stands for) and the input's sum over each group.
     */
    record Tables(float[] x, short[] table, float[] segmentScale, float[] groupSums) implements Prepared {}

    /** Lane m of vector j: whether 4-bit pattern m selects column j of its group (1 or 0). */
    private static final float[] PATTERN_BITS = new float[NIBBLE * 16];
    /** 1.5 * 2^23: added and subtracted, rounds an fp32 of magnitude below 2^22 to an integer (ties to even). */
    private static final float ROUNDER = 0x1.8p23f;

    static {
        for (int j = 0; j < NIBBLE; j++) {
            for (int m = 0; m < 16; m++) {
                PATTERN_BITS[j * 16 + m] = m >> j & 1;
            }
        }
    }

    /*
     * The tables in vectors, every operation in this method: a group's 16 sums are x0 b0 + x1 b1 + x2 b2 + x3 b3 over
     * the pattern bits b_j (fused multiply-adds by 0 or 1: the sums in column order, exactly rounded); a segment's
     * scale is its largest |sum| over LIMIT; each sum over the scale is rounded to an integer (ties to even) and
     * stored twice. The sums are computed twice rather than stored between the passes (cheaper than the memory).
     * A group's input sum, for the offsets, is the sum of its 4-column sums (pattern 15) in column order.
     */
    @Override
    public Prepared prepare(float[] x) {
        if (x.length != planes.cols) {
            throw new IllegalArgumentException(label + " [" + planes.rows + ", " + planes.cols + "]: input of "
                    + x.length);
        }
        int packedCols = planes.chunks * CHUNK;
        float[] packed = x;
        if (planes.run != 0 || x.length != packedCols) {
            packed = new float[packedCols];
            for (int q = 0; q < packedCols; q++) {
                int c = planes.originalColumn(q);
                packed[q] = c >= 0 ? x[c] : 0f;
            }
        }
        FloatVector b0 = FloatVector.fromArray(Lanes.F, PATTERN_BITS, 0);
        FloatVector b1 = FloatVector.fromArray(Lanes.F, PATTERN_BITS, 16);
        FloatVector b2 = FloatVector.fromArray(Lanes.F, PATTERN_BITS, 32);
        FloatVector b3 = FloatVector.fromArray(Lanes.F, PATTERN_BITS, 48);
        int segments = segmentFrom.length - 1;
        short[] table = new short[packedCols / NIBBLE * TABLE];
        float[] segmentScale = new float[segments];
        float[] groupSums = new float[groups];
        for (int g = 0; g < groups; g++) {
            float groupSum = 0;
            for (int s = groupSegments[g]; s < groupSegments[g + 1]; s++) {
                int k0 = segmentFrom[s] * NIBBLE;
                int k1 = segmentFrom[s + 1] * NIBBLE;
                // First pass: the segment's largest |sum| (and the group's sum: pattern 15 is all four columns).
                FloatVector largest = FloatVector.zero(Lanes.F);
                for (int k = k0; k < k1; k++) {
                    int q = k * NIBBLE;
                    FloatVector e = b0.mul(packed[q]);
                    e = b1.fma(FloatVector.broadcast(Lanes.F, packed[q + 1]), e);
                    e = b2.fma(FloatVector.broadcast(Lanes.F, packed[q + 2]), e);
                    e = b3.fma(FloatVector.broadcast(Lanes.F, packed[q + 3]), e);
                    largest = largest.max(e.abs());
                    groupSum += e.lane(15);
                }
                // At least the smallest normal float, so that its inverse is finite (sums that small round to 0).
                float scale = Math.max(largest.reduceLanes(VectorOperators.MAX) / LIMIT, Float.MIN_NORMAL);
                segmentScale[s] = scale;
                float inverse = 1 / scale;
                // Second pass: the same sums again, over the scale, rounded and stored twice.
                for (int k = k0; k < k1; k++) {
                    int q = k * NIBBLE;
                    FloatVector e = b0.mul(packed[q]);
                    e = b1.fma(FloatVector.broadcast(Lanes.F, packed[q + 1]), e);
                    e = b2.fma(FloatVector.broadcast(Lanes.F, packed[q + 2]), e);
                    e = b3.fma(FloatVector.broadcast(Lanes.F, packed[q + 3]), e);
                    FloatVector rounded = e.mul(inverse).add(ROUNDER).sub(ROUNDER).max(-LIMIT).min(LIMIT);
                    ShortVector code = (ShortVector) rounded.convertShape(VectorOperators.F2I, Lanes.I, 0)
                            .convertShape(VectorOperators.I2S, Lanes.S16, 0);
                    code.intoArray(table, k * TABLE);
                    code.intoArray(table, k * TABLE + 16);
                }
            }
            groupSums[g] = groupSum;
        }
        return new Tables(x, table, segmentScale, groupSums);
    }

    @Override
    public void multiplyBlocks(Prepared prepared, float[] y, int fromBlock, int toBlock) {
        Tables t = (Tables) prepared;
        for (int rb = fromBlock; rb < toBlock; rb++) {
            if (width == 2) {
                anyPrecision2(rb, t, y);
            } else {
                block(rb, t, y);
            }
        }
    }

    /*
     * One row block, every vector operation in this method (a helper taking vectors, compiled on its own, would box
     * them). Per segment and plane the picks add up in 16-bit lanes (four accumulators, one per nibble position: a
     * single one would need entries 4 times smaller); the planes' totals combine in 32-bit lanes,
     * most significant first (times two per plane); the segment's total times its scale and the row's fp16 scale goes
     * into the fp32 result, then each group's offset times the input's sum over the group.
     */
    private void block(int rb, Tables t, float[] y) {
        short[] table = t.table();
        float[] segmentScale = t.segmentScale();
        MemorySegment segment = planes.segment;
        int bits = planes.bits;
        long planeBytes = (long) planes.chunks * CHUNK_BYTES;
        long base = planes.offset(rb, 0, 0);
        FloatVector yLo = FloatVector.zero(Lanes.F);
        FloatVector yHi = yLo;
        for (int g = 0; g < groups; g++) {
            int at = (rb * groups + g) * BLOCK;
            IntVector sLo = (IntVector) ShortVector.fromArray(Lanes.S16, scales, at).convertShape(S2I, Lanes.I, 0);
            IntVector sHi = (IntVector) ShortVector.fromArray(Lanes.S16, scales, at + 16).convertShape(S2I, Lanes.I,
                    0);
            FloatVector scaleLo = sLo.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(sLo.and(Lanes.SIGN)).reinterpretAsFloats();
            FloatVector scaleHi = sHi.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(sHi.and(Lanes.SIGN)).reinterpretAsFloats();
            for (int s = groupSegments[g]; s < groupSegments[g + 1]; s++) {
                int c0 = segmentFrom[s];
                int c1 = segmentFrom[s + 1];
                IntVector totalLo = IntVector.zero(Lanes.I);
                IntVector totalHi = totalLo;
                for (int p = 0; p < bits; p++) {
                    // One accumulator per nibble of a lane: each adds one pick per chunk.
                    ShortVector acc0 = ShortVector.zero(S);
                    ShortVector acc1 = acc0;
                    ShortVector acc2 = acc0;
                    ShortVector acc3 = acc0;
                    long planeBase = base + p * planeBytes;
                    // A full segment's loop has a constant trip count, which the compiler unrolls (twice as fast
                    // as the same loop over a range read from the segment table, measured on 256 x 4096).
                    int n = c1 - c0;
                    if (n == SEGMENT / CHUNK) {
                        n = SEGMENT / CHUNK;
                    }
                    for (int i = 0; i < n; i++) {
                        int c = c0 + i;
                        ShortVector v = ShortVector.fromMemorySegment(S, segment, planeBase + (long) c * CHUNK_BYTES,
                                Lanes.LE);
                        int k = c * NIBBLE * TABLE;
                        ShortVector t0 = ShortVector.fromArray(S, table, k);
                        ShortVector t1 = ShortVector.fromArray(S, table, k + TABLE);
                        ShortVector t2 = ShortVector.fromArray(S, table, k + 2 * TABLE);
                        ShortVector t3 = ShortVector.fromArray(S, table, k + 3 * TABLE);
                        // Two-table selection wraps each lane to its low 6 bits: the nibble, and bits of the next
                        // one that land on a copy of the same 16 sums.
                        acc0 = acc0.add(v.selectFrom(t0, t0));
                        acc1 = acc1.add(v.lanewise(LSHR, 4).selectFrom(t1, t1));
                        acc2 = acc2.add(v.lanewise(LSHR, 8).selectFrom(t2, t2));
                        acc3 = acc3.add(v.lanewise(LSHR, 12).selectFrom(t3, t3));
                    }
                    IntVector sumLo = ((IntVector) acc0.convertShape(S2I, Lanes.I, 0))
                            .add((IntVector) acc1.convertShape(S2I, Lanes.I, 0))
                            .add((IntVector) acc2.convertShape(S2I, Lanes.I, 0))
                            .add((IntVector) acc3.convertShape(S2I, Lanes.I, 0));
                    IntVector sumHi = ((IntVector) acc0.convertShape(S2I, Lanes.I, 1))
                            .add((IntVector) acc1.convertShape(S2I, Lanes.I, 1))
                            .add((IntVector) acc2.convertShape(S2I, Lanes.I, 1))
                            .add((IntVector) acc3.convertShape(S2I, Lanes.I, 1));
                    totalLo = totalLo.lanewise(LSHL, 1).add(sumLo);
                    totalHi = totalHi.lanewise(LSHL, 1).add(sumHi);
                }
                float scale = segmentScale[s];
                yLo = ((FloatVector) totalLo.convert(I2F, 0)).mul(scale).fma(scaleLo, yLo);
                yHi = ((FloatVector) totalHi.convert(I2F, 0)).mul(scale).fma(scaleHi, yHi);
            }
            FloatVector sum = FloatVector.broadcast(Lanes.F, t.groupSums()[g]);
            IntVector oLo = (IntVector) ShortVector.fromArray(Lanes.S16, offsets, at).convertShape(S2I, Lanes.I, 0);
            IntVector oHi = (IntVector) ShortVector.fromArray(Lanes.S16, offsets, at + 16).convertShape(S2I, Lanes.I,
                    0);
            yLo = oLo.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(Lanes.HALF_EXPONENT_SHIFT)
                    .reinterpretAsInts().or(oLo.and(Lanes.SIGN)).reinterpretAsFloats().fma(sum, yLo);
            yHi = oHi.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(Lanes.HALF_EXPONENT_SHIFT)
                    .reinterpretAsInts().or(oHi.and(Lanes.SIGN)).reinterpretAsFloats().fma(sum, yHi);
        }
        int r0 = rb * BLOCK;
        if (r0 + BLOCK <= planes.rows) {
            yLo.intoArray(y, r0);
            yHi.intoArray(y, r0 + 16);
        } else {
            yLo.intoArray(y, r0, Lanes.F.indexInRange(r0, planes.rows));
            yHi.intoArray(y, r0 + 16, Lanes.F.indexInRange(r0 + 16, planes.rows));
        }
    }

    /*
     * Any-Precision at 2 bits, one row block, every vector operation in this method. Per chunk the high plane h, the
     * low plane l and h AND l each pick from the chunk's 4 tables into 4 accumulators of their own (12); per segment
     * each set's 4 accumulators go to 32 bits as even rows (shifted up and back, sign-extending the low half of each
     * 32-bit lane) and odd rows (the high half, shifted down), are added in that order (0 + 1 + 2 + 3), and their total
     * times the segment's scale goes into the set's fp32 sum; at the end each set's sum times its per-row coefficient
     * is added to the code-0 centroid times the input's sum, in the order high, low, both.
     */
    private void anyPrecision2(int rb, Tables t, float[] y) {
        short[] table = t.table();
        float[] segmentScale = t.segmentScale();
        MemorySegment segment = planes.segment;
        long planeBytes = (long) planes.chunks * CHUNK_BYTES;
        long base = planes.offset(rb, 0, 0);
        FloatVector hEven = FloatVector.zero(Lanes.F);
        FloatVector hOdd = hEven;
        FloatVector lEven = hEven;
        FloatVector lOdd = hEven;
        FloatVector bEven = hEven;
        FloatVector bOdd = hEven;
        int segments = segmentFrom.length - 1;
        for (int s = 0; s < segments; s++) {
            int c0 = segmentFrom[s];
            ShortVector h0 = ShortVector.zero(S);
            ShortVector h1 = h0;
            ShortVector h2 = h0;
            ShortVector h3 = h0;
            ShortVector l0 = h0;
            ShortVector l1 = h0;
            ShortVector l2 = h0;
            ShortVector l3 = h0;
            ShortVector b0 = h0;
            ShortVector b1 = h0;
            ShortVector b2 = h0;
            ShortVector b3 = h0;
            int n = segmentFrom[s + 1] - c0;
            if (n == SEGMENT / CHUNK) {
                n = SEGMENT / CHUNK;
            }
            for (int i = 0; i < n; i++) {
                int c = c0 + i;
                long at = base + (long) c * CHUNK_BYTES;
                ShortVector h = ShortVector.fromMemorySegment(S, segment, at, Lanes.LE);
                ShortVector l = ShortVector.fromMemorySegment(S, segment, at + planeBytes, Lanes.LE);
                ShortVector b = h.and(l);
                int k = c * NIBBLE * TABLE;
                ShortVector t0 = ShortVector.fromArray(S, table, k);
                ShortVector t1 = ShortVector.fromArray(S, table, k + TABLE);
                ShortVector t2 = ShortVector.fromArray(S, table, k + 2 * TABLE);
                ShortVector t3 = ShortVector.fromArray(S, table, k + 3 * TABLE);
                h0 = h0.add(h.selectFrom(t0, t0));
                h1 = h1.add(h.lanewise(LSHR, 4).selectFrom(t1, t1));
                h2 = h2.add(h.lanewise(LSHR, 8).selectFrom(t2, t2));
                h3 = h3.add(h.lanewise(LSHR, 12).selectFrom(t3, t3));
                l0 = l0.add(l.selectFrom(t0, t0));
                l1 = l1.add(l.lanewise(LSHR, 4).selectFrom(t1, t1));
                l2 = l2.add(l.lanewise(LSHR, 8).selectFrom(t2, t2));
                l3 = l3.add(l.lanewise(LSHR, 12).selectFrom(t3, t3));
                b0 = b0.add(b.selectFrom(t0, t0));
                b1 = b1.add(b.lanewise(LSHR, 4).selectFrom(t1, t1));
                b2 = b2.add(b.lanewise(LSHR, 8).selectFrom(t2, t2));
                b3 = b3.add(b.lanewise(LSHR, 12).selectFrom(t3, t3));
            }
            FloatVector scale = FloatVector.broadcast(Lanes.F, segmentScale[s]);
            IntVector even = h0.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16)
                    .add(h1.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(h2.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(h3.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16));
            IntVector odd = h0.reinterpretAsInts().lanewise(ASHR, 16).add(h1.reinterpretAsInts().lanewise(ASHR, 16))
                    .add(h2.reinterpretAsInts().lanewise(ASHR, 16)).add(h3.reinterpretAsInts().lanewise(ASHR, 16));
            hEven = ((FloatVector) even.convert(I2F, 0)).fma(scale, hEven);
            hOdd = ((FloatVector) odd.convert(I2F, 0)).fma(scale, hOdd);
            even = l0.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16)
                    .add(l1.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(l2.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(l3.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16));
            odd = l0.reinterpretAsInts().lanewise(ASHR, 16).add(l1.reinterpretAsInts().lanewise(ASHR, 16))
                    .add(l2.reinterpretAsInts().lanewise(ASHR, 16)).add(l3.reinterpretAsInts().lanewise(ASHR, 16));
            lEven = ((FloatVector) even.convert(I2F, 0)).fma(scale, lEven);
            lOdd = ((FloatVector) odd.convert(I2F, 0)).fma(scale, lOdd);
            even = b0.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16)
                    .add(b1.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(b2.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(b3.reinterpretAsInts().lanewise(LSHL, 16).lanewise(ASHR, 16));
            odd = b0.reinterpretAsInts().lanewise(ASHR, 16).add(b1.reinterpretAsInts().lanewise(ASHR, 16))
                    .add(b2.reinterpretAsInts().lanewise(ASHR, 16)).add(b3.reinterpretAsInts().lanewise(ASHR, 16));
            bEven = ((FloatVector) even.convert(I2F, 0)).fma(scale, bEven);
            bOdd = ((FloatVector) odd.convert(I2F, 0)).fma(scale, bOdd);
        }
        int at = rb * 4 * BLOCK;
        FloatVector sum = FloatVector.broadcast(Lanes.F, t.groupSums()[0]);
        FloatVector yEven = FloatVector.fromArray(Lanes.F, coefficients, at).mul(sum);
        FloatVector yOdd = FloatVector.fromArray(Lanes.F, coefficients, at + 16).mul(sum);
        yEven = FloatVector.fromArray(Lanes.F, coefficients, at + BLOCK).fma(hEven, yEven);
        yOdd = FloatVector.fromArray(Lanes.F, coefficients, at + BLOCK + 16).fma(hOdd, yOdd);
        yEven = FloatVector.fromArray(Lanes.F, coefficients, at + 2 * BLOCK).fma(lEven, yEven);
        yOdd = FloatVector.fromArray(Lanes.F, coefficients, at + 2 * BLOCK + 16).fma(lOdd, yOdd);
        yEven = FloatVector.fromArray(Lanes.F, coefficients, at + 3 * BLOCK).fma(bEven, yEven);
        yOdd = FloatVector.fromArray(Lanes.F, coefficients, at + 3 * BLOCK + 16).fma(bOdd, yOdd);
        // Back to row order: lane j of the block's first 16 rows is even row j / 2 or odd row j / 2 (lanes 16 on).
        FloatVector yLo = FIRST_ROWS.selectFrom(yEven, yOdd);
        FloatVector yHi = LAST_ROWS.selectFrom(yEven, yOdd);
        int r0 = rb * BLOCK;
        if (r0 + BLOCK <= planes.rows) {
            yLo.intoArray(y, r0);
            yHi.intoArray(y, r0 + 16);
        } else {
            yLo.intoArray(y, r0, Lanes.F.indexInRange(r0, planes.rows));
            yHi.intoArray(y, r0 + 16, Lanes.F.indexInRange(r0 + 16, planes.rows));
        }
    }

    /** Indices into (even rows, odd rows) of a block's rows 0..15 and 16..31, for a two-vector selection. */
    private static final FloatVector FIRST_ROWS = interleaving(0);
    private static final FloatVector LAST_ROWS = interleaving(8);

    private static FloatVector interleaving(int from) {
        float[] index = new float[16];
        for (int j = 0; j < 16; j++) {
            index[j] = (j % 2 == 0 ? 0 : 16) + from + j / 2;
        }
        return FloatVector.fromArray(Lanes.F, index, 0);
    }

    /**
     * The most a row's result can differ from the exact product of its weights with {@code x} through the rounding of
     * the input's table sums (fp32 rounding of the sums aside). Uniform: per segment, half its table scale times the
     * largest code, times the row's |scale| and the segment's picks per plane. Any-Precision: per segment, half its
     * table scale times its picks per set (4 a chunk) times the sum of the row's |coefficients| of the 3 looked-up
     * sets (the code-0 centroid multiplies the input's exact sum).
     */
    public double roundingBound(Prepared prepared, int row) {
        Tables t = (Tables) prepared;
        double bound = 0;
        if (width > 0) {
            // Each of the 3 sets' picks (one per nibble of a chunk) is off by at most half its segment's scale.
            double terms = 0;
            for (int term = 1; term < 4; term++) {
                terms += Math.abs(coefficients[((row / BLOCK) * 4 + term) * BLOCK + evenOddLane(row)]);
            }
            for (int s = 0; s < segmentFrom.length - 1; s++) {
                bound += terms * t.segmentScale()[s] / 2 * (segmentFrom[s + 1] - segmentFrom[s]) * NIBBLE;
            }
            return bound;
        }
        for (int g = 0; g < groups; g++) {
            double scale = Math.abs(Float.float16ToFloat(scales[((row / BLOCK) * groups + g) * BLOCK + row % BLOCK]));
            for (int s = groupSegments[g]; s < groupSegments[g + 1]; s++) {
                int picks = (segmentFrom[s + 1] - segmentFrom[s]) * NIBBLE;
                bound += scale * t.segmentScale()[s] / 2 * ((1 << planes.bits) - 1) * picks;
            }
        }
        return bound;
    }

    @Override
    public float weight(int r, int c) {
        int code = planes.code(r, c);
        if (width > 0) {
            return Float.float16ToFloat(centroids[r << width | code >> (planes.bits - width)]);
        }
        int at = ((r / BLOCK) * groups + c / groupCols) * BLOCK + r % BLOCK;
        return Float.float16ToFloat(offsets[at]) + code * Float.float16ToFloat(scales[at]);
    }
}
