package org.pmpdrepro.decode.cpu.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A matrix of b-bit codes stored as bit-planes, multiplied by table lookup without unpacking any weight (the approach
 * of T-MAC and bitnet.cpp, here in fp32): per group of 4 input columns, a product first tabulates the 16 sums of
 * those columns that a 4-bit pattern selects, and each nibble of a bit-plane then picks its sum from that table, for
 * 16 rows at a time (one lane permutation). A b-bit product reads b planes and nothing of the others.
 *
 * <p>Two ways a code becomes a weight:
 * <ul>
 *   <li><b>uniform</b> (RTN, GPTQ): {@code w = offset + code * scale}, fp16 offset and scale per row and group of
 *       columns. The code is linear in its bits, so each plane's lookup sums are weighted by its power of two and the
 *       group's sum by its scale.
 *   <li><b>any-precision</b> (non-uniform, per-row table of 2^b fp16 centroids; the b-bit code is the top b bits of
 *       the stored code, so one set of planes serves every width): the table as a function of the code's bits is
 *       written as a sum over subsets S of the planes of a coefficient times the product (AND) of those bits
 *       (its Moebius expansion), so each of the 2^b - 1 plane products is one more lookup pass with its own per-row
 *       coefficient; AND-ing planes costs a vector instruction, and no more bytes are read. The engine multiplies
 *       Any-Precision's matrices with {@link CentroidGemv} instead (3.5-7.0x faster at 4 bits); this form stays as
 *       {@code bench-kernels}' comparison case.
 * </ul>
 *
 * <p>Layout: rows in blocks of 32, columns in groups of 4; for each row block and plane, 16 bytes per column group,
 * byte i holding the 4 bits of row i in its low nibble and those of row 16 + i in its high nibble (bit j: packed
 * column 4k + j; packed columns are the columns, or with {@link Planes#pack(int[], int, int, int, int, OffHeap,
 * String) runs} each run of columns padded to whole groups of 4). Planes of one row block lie apart, plane after plane, so the first b of them are read as b streams.
 */
public final class PlaneGemv implements Gemv {

    /** Rows of one block (two 16-lane halves). */
    public static final int BLOCK = 32;
    private static final int NIBBLE = 4;
    private static final int CHUNK = 16;

    /** Codes of a {@code [rows, cols]} matrix packed as planes (most significant bit first), in off-heap memory. */
    public static final class Planes {
        private final MemorySegment segment;
        private final int rows;
        private final int cols;
        private final int bits;
        private final int colGroups;
        private final int rowBlocks;
        /** 0, or the width of the column runs each padded to a multiple of 4 columns (groups of a uniform grid). */
        private final int run;
        private final int paddedRun;

        private Planes(MemorySegment segment, int rows, int cols, int bits, int run) {
            this.segment = segment;
            this.rows = rows;
            this.cols = cols;
            this.bits = bits;
            this.run = run;
            this.paddedRun = run == 0 ? 0 : roundUp(run);
            this.colGroups = (packedColumn(cols - 1) + NIBBLE) / NIBBLE;
            this.rowBlocks = (rows + BLOCK - 1) / BLOCK;
        }

        /** Where column {@code c} lies in the packed layout (runs padded to whole groups of 4). */
        int packedColumn(int c) {
            return run == 0 ? c : c / run * paddedRun + c % run;
        }

        /** The column at packed position {@code q}, or -1 for padding. */
        int originalColumn(int q) {
            int c = run == 0 ? q : (q % paddedRun < run ? q / paddedRun * run + q % paddedRun : -1);
            return c < cols ? c : -1;
        }

        /**
         * Packs {@code codes} ({@code [rows, cols]} row-major, each in {@code [0, 2^bits)}); a code out of range is
         * refused naming {@code what}, its row and column.
         */
        public static Planes pack(int[] codes, int rows, int cols, int bits, OffHeap memory, String what) {
            return pack(codes, rows, cols, bits, 0, memory, what);
        }

        /**
         * As {@link #pack(int[], int, int, int, OffHeap, String)}, each run of {@code run} columns (0: none) starting
         * a group of 4 of its own, padded with zero codes: how a uniform grid whose groups are not a multiple of 4
         * columns wide is stored (the padding is read, so it counts in {@link PlaneGemv#bytesRead}).
         */
        public static Planes pack(int[] codes, int rows, int cols, int bits, int run, OffHeap memory, String what) {
            if (run < 0) {
                throw new IllegalArgumentException(what + ": runs of " + run + " columns; expected 0 (none) or more");
            }
            if (bits < 1 || bits > 8) {
                throw new IllegalArgumentException(what + ": " + bits + " bits; expected 1..8");
            }
            if (rows < 1 || cols < 1) {
                throw new IllegalArgumentException(what + ": shape [" + rows + ", " + cols + "]; expected at least one"
                        + " row and column");
            }
            if (codes.length != (long) rows * cols) {
                throw new IllegalArgumentException(what + ": " + codes.length + " codes for [" + rows + ", " + cols
                        + "]; expected " + (long) rows * cols);
            }
            MemorySegment s = memory.allocate(new Planes(null, rows, cols, bits, run).byteSize());
            Planes p = new Planes(s, rows, cols, bits, run);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int code = codes[r * cols + c];
                    if (code < 0 || code >= 1 << bits) {
                        throw new IllegalArgumentException(what + ": row " + r + " column " + c + " has code " + code
                                + "; expected 0.." + ((1 << bits) - 1));
                    }
                    for (int plane = 0; plane < bits; plane++) {
                        if ((code >> (bits - 1 - plane) & 1) != 0) {
                            int q = p.packedColumn(c);
                            long at = p.offset(r / BLOCK, plane, q / NIBBLE) + r % CHUNK;
                            int bit = (r % BLOCK < CHUNK ? 0 : NIBBLE) + q % NIBBLE;
                            s.set(ValueLayout.JAVA_BYTE, at, (byte) (s.get(ValueLayout.JAVA_BYTE, at) | 1 << bit));
                        }
                    }
                }
            }
            return p;
        }

        /**
         * Planes of uniformly random codes from {@code seed} (SplittableRandom), filled a word at a time: for benchmarks,
         * whose timing does not depend on the codes, of shapes with whole row blocks and column groups (every stored bit
         * is then a real code's).
         */
        public static Planes random(int rows, int cols, int bits, long seed, OffHeap memory) {
            if (rows < 1 || cols < 1 || rows % BLOCK != 0 || cols % NIBBLE != 0 || bits < 1 || bits > 8) {
                throw new IllegalArgumentException("random planes [" + rows + ", " + cols + "] of " + bits + " bits;"
                        + " expected rows a multiple of " + BLOCK + ", columns of " + NIBBLE + ", 1..8 bits");
            }
            Planes p = new Planes(memory.allocate(new Planes(null, rows, cols, bits, 0).byteSize()), rows, cols, bits,
                    0);
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            for (long at = 0; at < p.segment.byteSize(); at += Long.BYTES) {
                p.segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at, random.nextLong());
            }
            return p;
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
            return (long) rowBlocks * bits * colGroups * CHUNK;
        }

        long offset(int rowBlock, int plane, int colGroup) {
            return (((long) rowBlock * bits + plane) * colGroups + colGroup) * CHUNK;
        }

        /** The code of {@code (r, c)} at its top {@code width} bits, read bit by bit. */
        int code(int r, int c, int width) {
            int code = 0;
            int q = packedColumn(c);
            int bit = (r % BLOCK < CHUNK ? 0 : NIBBLE) + q % NIBBLE;
            for (int plane = 0; plane < width; plane++) {
                byte b = segment.get(ValueLayout.JAVA_BYTE, offset(r / BLOCK, plane, q / NIBBLE) + r % CHUNK);
                code = code << 1 | (b >> bit & 1);
            }
            return code;
        }
    }

    private final Planes planes;
    private final int bits;
    private final String label;
    /** Uniform: fp16 offsets and scales, {@code [rowBlocks][groups][32]}; null for any-precision. */
    private final short[] offsets;
    private final short[] scales;
    private final int groupCols;
    /** Columns of one group in the packed layout (its width rounded up to whole groups of 4). */
    private final int packedGroupCols;
    private final int groups;
    /**
     * Any-precision: the number of products of planes, 2^bits - 1 (term t: the planes in subset t + 1, bit p for
     * plane p), and their fp32 coefficients {@code [rowBlocks][terms][32]}; 0 for a uniform grid.
     */
    private final int terms;
    private final float[] coefficients;
    /** Any-precision: the constant term (the table's entry for code 0), {@code [rowBlocks][32]}. */
    private final float[] constants;
    /** Any-precision: the fp16 tables as given, {@code [rows][2^bits]}, for the reference. */
    private final short[] tables;

    private PlaneGemv(Planes planes, int bits, String label, short[] offsets, short[] scales, int groupCols,
            int packedGroupCols, int terms, float[] coefficients, float[] constants, short[] tables) {
        this.planes = planes;
        this.bits = bits;
        this.label = label;
        this.offsets = offsets;
        this.scales = scales;
        this.groupCols = groupCols;
        this.packedGroupCols = packedGroupCols;
        this.groups = (planes.cols + groupCols - 1) / groupCols;
        this.terms = terms;
        this.coefficients = coefficients;
        this.constants = constants;
        this.tables = tables;
    }

    /**
     * A uniform grid: {@code w = fp32(offset) + code * fp32(scale)} with per row and group of {@code groupCols}
     * columns an fp16 offset and scale ({@code [rows, groups]} row-major; {@code groupCols} a multiple of 4, the
     * whole row, or any width when the planes were packed with runs of that width).
     */
    public static PlaneGemv uniform(Planes planes, int groupCols, short[] offsets, short[] scales, String what) {
        int rows = planes.rows;
        boolean wholeRow = groupCols >= planes.cols;
        if (groupCols < 1 || (planes.run != 0 && (wholeRow || planes.run != groupCols))
                || (planes.run == 0 && !wholeRow && groupCols % NIBBLE != 0)) {
            throw new IllegalArgumentException(what + ": groups of " + groupCols + " columns on planes packed with"
                    + " runs of " + planes.run + "; expected a multiple of " + NIBBLE + ", the whole row ("
                    + planes.cols + ") or planes packed with runs of the group's width");
        }
        int g = (planes.cols + groupCols - 1) / groupCols;
        short[][] side = blockedSideTables(offsets, scales, rows, g, what);
        String label = "uniform-" + planes.bits + "b-" + (groupCols >= planes.cols ? "row" : "g" + groupCols);
        // A group as wide as the row (or wider) is the whole row with its columns padded to groups of 4.
        int width = wholeRow ? roundUp(planes.cols) : groupCols;
        int packedWidth = wholeRow ? roundUp(planes.cols) : roundUp(groupCols);
        return new PlaneGemv(planes, planes.bits, label, side[0], side[1], width, packedWidth, 0, null, null, null);
    }

    /**
     * Any-Precision at {@code width} bits (at most the planes' bits): the top {@code width} bits of each stored code
     * index row r's table of {@code 2^width} fp16 centroids ({@code tables[r << width | code]}).
     */
    public static PlaneGemv anyPrecision(Planes planes, int width, short[] tables, String what) {
        if (planes.run != 0) {
            throw new IllegalArgumentException(what + ": planes packed with runs of " + planes.run + " columns;"
                    + " Any-Precision's tables are per row, so its planes are packed without runs");
        }
        if (width < 1 || width > planes.bits || width > 4) {
            throw new IllegalArgumentException(what + ": width " + width + "; expected 1.." + Math.min(4, planes.bits)
                    + " (the planes hold " + planes.bits + " bits; the lookup kernel expands tables of up to 4 bits)");
        }
        int rows = planes.rows;
        int entries = 1 << width;
        if (tables.length != (long) rows * entries) {
            throw new IllegalArgumentException(what + ": " + tables.length + " table entries; expected "
                    + (long) rows * entries + " ([" + rows + ", " + entries + "])");
        }
        int terms = entries - 1;
        float[] coefficients = new float[planes.rowBlocks * terms * BLOCK];
        float[] constants = new float[planes.rowBlocks * BLOCK];
        for (int r = 0; r < rows; r++) {
            double[] c = moebius(tables, r, width, what);
            constants[(r / BLOCK) * BLOCK + r % BLOCK] = (float) c[0];
            for (int set = 1; set < entries; set++) {
                coefficients[((r / BLOCK) * terms + set - 1) * BLOCK + r % BLOCK] = (float) c[set];
            }
        }
        return new PlaneGemv(planes, width, "any-precision-lookup-" + width + "b", null, null, roundUp(planes.cols),
                roundUp(planes.cols), terms, coefficients, constants, tables.clone());
    }

    /**
     * A uniform grid's fp16 offsets and scales per row and group ({@code [rows, groups]} row-major) in the layout both
     * uniform kernels read, {@code [rowBlocks][groups][32]} (a block's rows side by side, the last block's missing rows
     * zero): {@code {offsets, scales}}. Refused naming {@code what} unless each has one entry per row and group and
     * every entry is finite.
     */
    static short[][] blockedSideTables(short[] offsets, short[] scales, int rows, int groups, String what) {
        if (offsets.length != (long) rows * groups || scales.length != (long) rows * groups) {
            throw new IllegalArgumentException(what + ": " + offsets.length + " offsets and " + scales.length
                    + " scales; expected " + (long) rows * groups + " each ([" + rows + ", " + groups + "])");
        }
        short[] o = new short[(rows + BLOCK - 1) / BLOCK * groups * BLOCK];
        short[] s = new short[o.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < groups; j++) {
                checkFinite(offsets[r * groups + j], what, "offset of row " + r + " group " + j);
                checkFinite(scales[r * groups + j], what, "scale of row " + r + " group " + j);
                int at = ((r / BLOCK) * groups + j) * BLOCK + r % BLOCK;
                o[at] = offsets[r * groups + j];
                s[at] = scales[r * groups + j];
            }
        }
        return new short[][] {o, s};
    }

    /**
     * Row r's table of {@code 2^width} fp16 centroids ({@code tables[r << width | code]}, each refused naming
     * {@code what} unless finite) as a sum over sets of planes: entry {@code set} (bit p: plane p, the most significant
     * first) is the coefficient of the product of those planes' bits, the alternating sum of the table over the set's
     * subsets (its Moebius expansion), in double; entry 0 is the centroid of code 0.
     */
    static double[] moebius(short[] tables, int r, int width, String what) {
        int entries = 1 << width;
        double[] value = new double[entries];
        for (int q = 0; q < entries; q++) {
            short h = tables[r * entries + q];
            checkFinite(h, what, "table entry " + q + " of row " + r);
            value[q] = Float.float16ToFloat(h);
        }
        double[] coefficient = new double[entries];
        for (int set = 0; set < entries; set++) {
            double c = 0;
            for (int sub = set; ; sub = (sub - 1) & set) {
                int sign = Integer.bitCount(set ^ sub) % 2 == 0 ? 1 : -1;
                c += sign * value[codeOf(sub, width)];
                if (sub == 0) {
                    break;
                }
            }
            coefficient[set] = c;
        }
        return coefficient;
    }

    /** The code whose bits are set exactly for the planes in {@code set} (plane 0 the most significant). */
    private static int codeOf(int set, int width) {
        int code = 0;
        for (int p = 0; p < width; p++) {
            if ((set >> p & 1) != 0) {
                code |= 1 << (width - 1 - p);
            }
        }
        return code;
    }

    private static int roundUp(int cols) {
        return (cols + NIBBLE - 1) / NIBBLE * NIBBLE;
    }

    /** Refuses an fp16 infinity or NaN in {@code field} of {@code what} (the kernels' tables, offsets, scales). */
    static void checkFinite(short h, String what, String field) {
        if ((h & 0x7c00) == 0x7c00) {
            throw new IllegalArgumentException(what + ": " + field + " is an fp16 infinity or NaN; expected a finite"
                    + " value");
        }
    }

    /** This matrix over a copy of its planes (the side tables are shared). */
    public PlaneGemv withPlanes(Planes copy) {
        if (copy.rows != planes.rows || copy.cols != planes.cols || copy.bits != planes.bits
                || copy.run != planes.run) {
            throw new IllegalArgumentException("planes of another shape");
        }
        return new PlaneGemv(copy, bits, label, offsets, scales, groupCols, packedGroupCols, terms, coefficients,
                constants, tables);
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

    @Override
    public long bytesRead() {
        long planeBytes = (long) planes.rowBlocks * bits * planes.colGroups * CHUNK;
        long side = terms == 0 ? 2L * 2 * offsets.length : 4L * (coefficients.length + constants.length);
        return planeBytes + side;
    }

    @Override
    public int rowBlock() {
        return BLOCK;
    }

    /** The input's lookup tables and its sum over each group of columns. */
    record Lookup(float[] x, int[] table, float[] groupSums) implements Prepared {}

    @Override
    public Prepared prepare(float[] x) {
        if (x.length != planes.cols) {
            throw new IllegalArgumentException(label + " [" + planes.rows + ", " + planes.cols + "]: input of "
                    + x.length);
        }
        int[] table = new int[planes.colGroups * CHUNK];
        float[] entry = new float[CHUNK];
        float[] inputs = new float[NIBBLE];
        for (int k = 0; k < planes.colGroups; k++) {
            for (int j = 0; j < NIBBLE; j++) {
                int c = planes.originalColumn(k * NIBBLE + j);
                inputs[j] = c >= 0 ? x[c] : 0f;
            }
            for (int m = 1; m < CHUNK; m++) {
                entry[m] = entry[m & (m - 1)] + inputs[Integer.numberOfTrailingZeros(m)];
            }
            for (int m = 0; m < CHUNK; m++) {
                table[k * CHUNK + m] = Float.floatToRawIntBits(entry[m]);
            }
        }
        float[] sums = new float[groups];
        for (int c = 0; c < x.length; c++) {
            sums[c / groupCols] += x[c];
        }
        return new Lookup(x, table, sums);
    }

    @Override
    public void multiplyBlocks(Prepared prepared, float[] y, int fromBlock, int toBlock) {
        Lookup lookup = (Lookup) prepared;
        for (int rb = fromBlock; rb < toBlock; rb++) {
            if (terms == 0) {
                uniformBlock(rb, lookup, y);
            } else {
                anyPrecisionBlock(rb, lookup, y);
            }
        }
    }

    private void uniformBlock(int rb, Lookup lookup, float[] y) {
        int[] table = lookup.table();
        int groupK = packedGroupCols / NIBBLE;
        FloatVector yLo = FloatVector.zero(Lanes.F);
        FloatVector yHi = yLo;
        for (int g = 0; g < groups; g++) {
            int k0 = g * groupK;
            int k1 = Math.min(planes.colGroups, k0 + groupK);
            FloatVector accLo = FloatVector.zero(Lanes.F);
            FloatVector accHi = accLo;
            for (int p = 0; p < bits; p++) {
                FloatVector aLo = FloatVector.zero(Lanes.F);
                FloatVector aHi = aLo;
                long base = planes.offset(rb, p, 0);
                for (int k = k0; k < k1; k++) {
                    IntVector lut = IntVector.fromArray(Lanes.I, table, k * CHUNK);
                    // 16 bytes of the plane as 16 int lanes, each holding two rows' nibbles.
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(Lanes.B16, planes.segment,
                            base + (long) k * CHUNK, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    aLo = aLo.add(v.and(0xf).selectFrom(lut).reinterpretAsFloats());
                    aHi = aHi.add(v.lanewise(VectorOperators.LSHR, NIBBLE).selectFrom(lut).reinterpretAsFloats());
                }
                float weight = 1 << (bits - 1 - p);
                FloatVector w = FloatVector.broadcast(Lanes.F, weight);
                accLo = aLo.fma(w, accLo);
                accHi = aHi.fma(w, accHi);
            }
            int at = (rb * groups + g) * BLOCK;
            FloatVector sum = FloatVector.broadcast(Lanes.F, lookup.groupSums()[g]);
            // fp16 scales and offsets widened as Lanes describes, written out so that nothing boxes.
            IntVector sLo = (IntVector) ShortVector.fromArray(Lanes.S16, scales, at)
                    .convertShape(VectorOperators.S2I, Lanes.I, 0);
            IntVector sHi = (IntVector) ShortVector.fromArray(Lanes.S16, scales, at + CHUNK)
                    .convertShape(VectorOperators.S2I, Lanes.I, 0);
            IntVector oLo = (IntVector) ShortVector.fromArray(Lanes.S16, offsets, at)
                    .convertShape(VectorOperators.S2I, Lanes.I, 0);
            IntVector oHi = (IntVector) ShortVector.fromArray(Lanes.S16, offsets, at + CHUNK)
                    .convertShape(VectorOperators.S2I, Lanes.I, 0);
            yLo = accLo.fma(sLo.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(sLo.and(Lanes.SIGN)).reinterpretAsFloats(),
                    yLo);
            yHi = accHi.fma(sHi.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(sHi.and(Lanes.SIGN)).reinterpretAsFloats(),
                    yHi);
            yLo = oLo.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(oLo.and(Lanes.SIGN)).reinterpretAsFloats()
                    .fma(sum, yLo);
            yHi = oHi.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                    .mul(Lanes.HALF_EXPONENT_SHIFT).reinterpretAsInts().or(oHi.and(Lanes.SIGN)).reinterpretAsFloats()
                    .fma(sum, yHi);
        }
        int r0 = rb * BLOCK;
        if (r0 + BLOCK <= planes.rows) {
            yLo.intoArray(y, r0);
            yHi.intoArray(y, r0 + CHUNK);
        } else {
            yLo.intoArray(y, r0, Lanes.F.indexInRange(r0, planes.rows));
            yHi.intoArray(y, r0 + CHUNK, Lanes.F.indexInRange(r0 + CHUNK, planes.rows));
        }
    }

    private void anyPrecisionBlock(int rb, Lookup lookup, float[] y) {
        int[] table = lookup.table();
        FloatVector yLo = FloatVector.zero(Lanes.F);
        FloatVector yHi = yLo;
        long base = planes.offset(rb, 0, 0);
        long planeStride = planes.offset(rb, 1 % planes.bits, 0) - base;
        for (int t = 0; t < terms; t++) {
            // Term t is the product of the planes in the subset t + 1 (bit p: plane p).
            int set = t + 1;
            int first = Integer.numberOfTrailingZeros(set);
            int rest = set & (set - 1);
            FloatVector aLo = FloatVector.zero(Lanes.F);
            FloatVector aHi = aLo;
            for (int k = 0; k < planes.colGroups; k++) {
                IntVector lut = IntVector.fromArray(Lanes.I, table, k * CHUNK);
                long off = (long) k * CHUNK;
                ByteVector b = ByteVector.fromMemorySegment(Lanes.B16, planes.segment,
                        base + first * planeStride + off, Lanes.LE);
                for (int more = rest; more != 0; more &= more - 1) {
                    b = b.and(ByteVector.fromMemorySegment(Lanes.B16, planes.segment,
                            base + Integer.numberOfTrailingZeros(more) * planeStride + off, Lanes.LE));
                }
                IntVector v = (IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                aLo = aLo.add(v.and(0xf).selectFrom(lut).reinterpretAsFloats());
                aHi = aHi.add(v.lanewise(VectorOperators.LSHR, NIBBLE).selectFrom(lut).reinterpretAsFloats());
            }
            int at = (rb * terms + t) * BLOCK;
            yLo = aLo.fma(FloatVector.fromArray(Lanes.F, coefficients, at), yLo);
            yHi = aHi.fma(FloatVector.fromArray(Lanes.F, coefficients, at + CHUNK), yHi);
        }
        FloatVector sum = FloatVector.broadcast(Lanes.F, lookup.groupSums()[0]);
        yLo = FloatVector.fromArray(Lanes.F, constants, rb * BLOCK).fma(sum, yLo);
        yHi = FloatVector.fromArray(Lanes.F, constants, rb * BLOCK + CHUNK).fma(sum, yHi);
        int r0 = rb * BLOCK;
        if (r0 + BLOCK <= planes.rows) {
            yLo.intoArray(y, r0);
            yHi.intoArray(y, r0 + CHUNK);
        } else {
            yLo.intoArray(y, r0, Lanes.F.indexInRange(r0, planes.rows));
            yHi.intoArray(y, r0 + CHUNK, Lanes.F.indexInRange(r0 + CHUNK, planes.rows));
        }
    }

    @Override
    public float weight(int r, int c) {
        int code = planes.code(r, c, bits);
        if (terms != 0) {
            return Float.float16ToFloat(tables[r << bits | code]);
        }
        int at = ((r / BLOCK) * groups + c / groupCols) * BLOCK + r % BLOCK;
        return Float.float16ToFloat(offsets[at]) + code * Float.float16ToFloat(scales[at]);
    }
}
