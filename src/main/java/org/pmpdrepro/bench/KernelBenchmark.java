package org.pmpdrepro.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.LookupGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.PlaneGemv;
import org.pmpdrepro.decode.cpu.kernel.RowThreads;

/**
 * Times the CPU kernels' matrix-vector products on given shapes with random weights, beside the machine's read
 * bandwidth measured in the same run. Each case cycles through enough copies of its matrix that they together exceed
 * {@code footprintBytes} (far beyond the last-level cache), so every product streams its bytes from memory, as a
 * decode step of a large model does. A benchmark, never a test.
 */
public final class KernelBenchmark {

    /** One timed case. {@code seconds}: the median time of one product. */
    public record Result(String kase, int bits, String shape, double seconds, long bytes, int copies) {
        public double gbPerSecond() {
            return bytes / seconds / 1e9;
        }
    }

    /** What to measure. */
    public record Settings(List<int[]> shapes, int threads, double minSeconds, long footprintBytes, long seed) {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    private final Settings settings;
    private final Consumer<String> progress;
    /** Consumed results, so that no product can be optimised away. */
    private double checksum;

    public KernelBenchmark(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public double checksum() {
        return checksum;
    }

    /**
     * Read bandwidth: every thread sums its share of a buffer of {@code bytes} (fp32, four vector accumulators); the
     * best of {@code repeats} passes, in bytes per second.
     */
    public double readBandwidth(long bytes, int repeats) {
        try (OffHeap memory = new OffHeap(); RowThreads pool = new RowThreads(settings.threads())) {
            MemorySegment buffer = memory.allocate(bytes);
            long floats = bytes / 4;
            for (long i = 0; i < floats; i += 1024) {
                buffer.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
            }
            int parts = settings.threads();
            double best = 0;
            for (int rep = 0; rep < repeats; rep++) {
                float[] sums = new float[parts];
                long t0 = System.nanoTime();
                pool.split(parts, (from, to) -> {
                    for (int part = from; part < to; part++) {
                        sums[part] = sum(buffer, floats * part / parts / 64 * 64,
                                part == parts - 1 ? floats / 64 * 64 : floats * (part + 1) / parts / 64 * 64);
                    }
                });
                double secs = (System.nanoTime() - t0) / 1e9;
                for (float s : sums) {
                    checksum += s;
                }
                best = Math.max(best, bytes / secs);
            }
            return best;
        }
    }

    /** The fp32 values {@code [from, to)} of {@code buffer} summed with four vector accumulators (multiples of 64). */
    private static float sum(MemorySegment buffer, long from, long to) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (long i = from; i < to; i += 64) {
            long o = i * 4;
            a0 = a0.add(FloatVector.fromMemorySegment(F, buffer, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, buffer, o + 64, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, buffer, o + 128, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, buffer, o + 192, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Every case on every shape: fp32, fp16, uniform at 2, 3, 4 and 8 bits (groups of 128), Any-Precision 2-4 by the
     * engine's kernel ({@link CentroidGemv}) and by bit-plane lookup ({@link PlaneGemv#anyPrecision}) on the same codes
     * and tables, and uniform 2, 3, 4 and 8 bits again by 16-bit table lookup ({@link LookupGemv}).
     */
    public List<Result> run() {
        List<Result> results = new ArrayList<>();
        for (int[] shape : settings.shapes()) {
            int rows = shape[0];
            int cols = shape[1];
            String name = rows + "x" + cols;
            Random random = new Random(settings.seed() + rows * 31L + cols);
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] dense = new float[rows * cols];
            for (int i = 0; i < dense.length; i++) {
                dense[i] = (float) (0.02 * random.nextGaussian());
            }
            for (DenseGemv.Element e : DenseGemv.Element.values()) {
                try (OffHeap memory = new OffHeap()) {
                    DenseGemv m = DenseGemv.of(dense, rows, cols, e, memory, name);
                    results.add(time(name, e == DenseGemv.Element.F32 ? 32 : 16,
                            withCopies(m, m.bytesRead(), () -> m.copy(memory)), x));
                }
            }
            dense = null;
            for (int bits : new int[] {2, 3, 4, 8}) {
                try (OffHeap memory = new OffHeap()) {
                    int groups = (cols + 127) / 128;
                    PlaneGemv.Planes planes = PlaneGemv.Planes.pack(codes(random, rows, cols, bits), rows, cols, bits,
                            memory, name);
                    PlaneGemv m = PlaneGemv.uniform(planes, 128, halves(random, rows * groups, 0.01, -0.05),
                            halves(random, rows * groups, 0.002, 0.01), name);
                    results.add(time(name, bits,
                            withCopies(m, m.bytesRead(), () -> m.withPlanes(planes.copy(memory))), x));
                }
            }
            int[] parentCodes = codes(random, rows, cols, 4);
            short[][] tables = new short[5][];
            for (int width = 2; width <= 4; width++) {
                tables[width] = halves(random, rows << width, 0.02, 0);
            }
            try (OffHeap memory = new OffHeap()) {
                CentroidGemv.Planes planes = CentroidGemv.Planes.pack(parentCodes, rows, cols, 4, memory, name);
                List<CentroidGemv.Planes> copies = withCopies(planes, planes.byteSize(), () -> planes.copy(memory));
                for (int width = 2; width <= 4; width++) {
                    CentroidGemv m = CentroidGemv.anyPrecision(planes, width, tables[width], name);
                    List<Gemv> ms = new ArrayList<>();
                    for (CentroidGemv.Planes p : copies) {
                        ms.add(m.withPlanes(p));
                    }
                    results.add(time(name, width, ms, x));
                }
            }
            // The same codes and tables through the bit-plane lookup kernel (2^b - 1 passes), for comparison.
            try (OffHeap memory = new OffHeap()) {
                PlaneGemv.Planes planes = PlaneGemv.Planes.pack(parentCodes, rows, cols, 4, memory, name);
                List<PlaneGemv.Planes> copies = withCopies(planes, planes.byteSize(), () -> planes.copy(memory));
                for (int width = 2; width <= 4; width++) {
                    PlaneGemv m = PlaneGemv.anyPrecision(planes, width, tables[width], name);
                    List<Gemv> ms = new ArrayList<>();
                    for (PlaneGemv.Planes p : copies) {
                        ms.add(m.withPlanes(p));
                    }
                    results.add(time(name, width, ms, x));
                }
            }
            // Uniform grids again through the 16-bit table-lookup kernel (the input's sums rounded to integers).
            for (int bits : new int[] {2, 3, 4, 8}) {
                try (OffHeap memory = new OffHeap()) {
                    int groups = (cols + 127) / 128;
                    LookupGemv.Planes planes = LookupGemv.Planes.pack(codes(random, rows, cols, bits), rows, cols,
                            bits, 0, memory, name);
                    LookupGemv m = LookupGemv.uniform(planes, 128, halves(random, rows * groups, 0.01, -0.05),
                            halves(random, rows * groups, 0.002, 0.01), name);
                    results.add(time(name, bits,
                            withCopies(m, m.bytesRead(), () -> m.withPlanes(planes.copy(memory))), x));
                }
            }
            // Any-Precision's 2-bit codes and table through the 16-bit lookup kernel, as --engine java-int16 runs
            // them: a copy of the top 2 planes in that kernel's layout.
            try (OffHeap memory = new OffHeap()) {
                int[] top = new int[parentCodes.length];
                for (int i = 0; i < top.length; i++) {
                    top[i] = parentCodes[i] >> 2;
                }
                LookupGemv.Planes planes = LookupGemv.Planes.pack(top, rows, cols, 2, 0, memory, name);
                LookupGemv m = LookupGemv.anyPrecision(planes, 2, tables[2], name);
                results.add(time(name, 2, withCopies(m, m.bytesRead(), () -> m.withPlanes(planes.copy(memory))), x));
            }
        }
        return results;
    }

    /**
     * {@code first} and as many more from {@code another} as make the list total at least the footprint at
     * {@code bytesEach} each.
     */
    private <T> List<T> withCopies(T first, long bytesEach, Supplier<T> another) {
        List<T> out = new ArrayList<>();
        out.add(first);
        while (out.size() * bytesEach < settings.footprintBytes()) {
            out.add(another.get());
        }
        return out;
    }

    /** Median seconds of one product, over passes through every copy, after a warm-up of the same length. */
    private Result time(String shape, int bits, List<? extends Gemv> ms, float[] x) {
        Gemv first = ms.get(0);
        float[] y = new float[first.rows()];
        try (RowThreads pool = new RowThreads(settings.threads())) {
            long warmEnd = System.nanoTime() + (long) (settings.minSeconds() * 1e9);
            while (System.nanoTime() < warmEnd) {
                for (Gemv m : ms) {
                    pool.multiply(m, x, y);
                }
            }
            List<Double> perProduct = new ArrayList<>();
            long end = System.nanoTime() + (long) (settings.minSeconds() * 1e9);
            while (System.nanoTime() < end || perProduct.size() < 5) {
                long t0 = System.nanoTime();
                for (Gemv m : ms) {
                    pool.multiply(m, x, y);
                }
                perProduct.add((System.nanoTime() - t0) / 1e9 / ms.size());
                checksum += y[0];
            }
            double[] sorted = perProduct.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[sorted.length / 2];
            Result r = new Result(first.label(), bits, shape, median, first.bytesRead(), ms.size());
            progress.accept(String.format(java.util.Locale.ROOT, "%-22s %-10s %9.1f us  %6.1f GB/s  (%d copies, %d"
                    + " passes)", r.kase(), shape, median * 1e6, r.gbPerSecond(), ms.size(), sorted.length));
            return r;
        }
    }

    private static int[] codes(Random r, int rows, int cols, int bits) {
        int[] c = new int[rows * cols];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(1 << bits);
        }
        return c;
    }

    private static short[] halves(Random r, int n, double scale, double shift) {
        short[] h = new short[n];
        for (int i = 0; i < n; i++) {
            h[i] = Float.floatToFloat16((float) (shift + scale * r.nextGaussian()));
        }
        return h;
    }

    /** The fp16 result of the same shape, for speed-ups. */
    public static Result fp16Of(List<Result> results, String shape) {
        return results.stream().filter(r -> r.shape().equals(shape) && r.kase().equals("fp16")).findFirst()
                .orElseThrow();
    }
}
