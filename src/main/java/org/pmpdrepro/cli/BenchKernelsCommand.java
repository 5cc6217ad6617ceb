package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pmpdrepro.bench.KernelBenchmark;
import org.pmpdrepro.bench.KernelBenchmark.Result;
import org.pmpdrepro.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench-kernels}: the packed CPU kernels' matrix-vector products at each bit-width against the fp32 and fp16
 * ones, on Llama-2-7B layer shapes, beside the machine's read bandwidth measured in the same run. A benchmark, never a
 * test: the numbers depend on the machine and on what else runs on it.
 */
@Command(name = "bench-kernels", mixinStandardHelpOptions = true,
        description = "Times matrix-vector products of the packed CPU kernels (uniform 2/3/4/8-bit, Any-Precision"
                + " 2/3/4-bit from one 4-bit set of planes, by the engine's in-register tables and, for comparison,"
                + " by bit-plane lookup) and of fp32/fp16 weights on random matrices, and the read bandwidth; writes"
                + " kernels.csv and kernels.md. Needs java --add-modules jdk.incubator.vector.")
final class BenchKernelsCommand implements Callable<Integer> {

    /** Seed of the random weights, tables and inputs (java.util.Random, per shape offset by its dimensions). */
    static final long SEED = 20261206L;

    @Spec
    CommandSpec spec;

    @Option(names = "--shapes", defaultValue = "4096x4096,11008x4096,4096x11008",
            description = "Comma-separated ROWSxCOLS (default: ${DEFAULT-VALUE}: Llama-2-7B's attention, up/gate and"
                    + " down projections).")
    String shapes;

    @Option(names = "--seconds", defaultValue = "1.0", description = "Warm-up and then measured seconds per case"
            + " (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--footprint-mb", defaultValue = "512", description = "Each case cycles through copies of its"
            + " matrix totalling at least this many MB, beyond the caches (default: ${DEFAULT-VALUE}).")
    long footprintMb;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() throws IOException {
        options.check(spec);
        int threads = options.threads;
        long bandwidthMb = options.bandwidthMb;
        Path out = options.out;
        if (seconds <= 0 || footprintMb < 1) {
            throw new ParameterException(spec.commandLine(), "--footprint-mb must be at least 1 and --seconds"
                    + " positive");
        }
        List<int[]> parsed = new ArrayList<>();
        for (String s : shapes.split(",")) {
            String[] p = s.strip().split("x");
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                int rows = Integer.parseInt(p[0]);
                int cols = Integer.parseInt(p[1]);
                if (rows < 1 || cols < 1) {
                    throw new NumberFormatException();
                }
                if ((long) rows * cols > Integer.MAX_VALUE / 4) {
                    throw new ParameterException(spec.commandLine(), "--shapes: '" + s + "' has " + (long) rows * cols
                            + " weights; at most " + Integer.MAX_VALUE / 4 + " per matrix");
                }
                parsed.add(new int[] {rows, cols});
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--shapes: '" + s + "'; expected ROWSxCOLS with"
                        + " positive integers, e.g. 4096x11008");
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        KernelBenchmark bench = new KernelBenchmark(new KernelBenchmark.Settings(parsed, threads, seconds,
                footprintMb << 20, SEED), line -> {
                    stdout.println(line);
                    stdout.flush();
                });
        double bandwidth = bench.readBandwidth(bandwidthMb << 20, 5) / 1e9;
        stdout.printf(Locale.ROOT, "read bandwidth: %.1f GB/s (%d threads, %d MB buffer, best of 5)%n", bandwidth,
                threads, bandwidthMb);
        long started = System.nanoTime();
        List<Result> results = bench.run();
        double bandwidthAfter = bench.readBandwidth(bandwidthMb << 20, 5) / 1e9;
        stdout.printf(Locale.ROOT, "read bandwidth again: %.1f GB/s; cases took %.0f s%n", bandwidthAfter,
                (System.nanoTime() - started) / 1e9);
        double bw = Math.max(bandwidth, bandwidthAfter);

        List<String> csv = new ArrayList<>();
        csv.add("case,bits,shape,seconds,gb_per_s,pct_of_bandwidth,speedup_vs_fp16");
        for (Result r : results) {
            Result fp16 = KernelBenchmark.fp16Of(results, r.shape());
            csv.add(String.format(Locale.ROOT, "%s,%d,%s,%.3e,%.2f,%.1f,%.2f", r.kase(), r.bits(), r.shape(),
                    r.seconds(), r.gbPerSecond(), 100 * r.gbPerSecond() / bw, fp16.seconds() / r.seconds()));
        }
        AtomicFiles.writeString(out.resolve("kernels.csv"), String.join("\n", csv) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("# CPU kernels: matrix-vector products by bit-width\n\n");
        md.append("Written by `bench-kernels` (").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE))
                .append("); regenerate with\n\n    java --add-modules jdk.incubator.vector -jar target/pmpd-repro.jar"
                        + " bench-kernels --shapes ").append(shapes).append(" --threads ").append(threads)
                .append(" --seconds ").append(seconds).append(" --footprint-mb ").append(footprintMb)
                .append(" --bandwidth-mb ").append(bandwidthMb).append("\n\n");
        options.describe(md, bandwidth, bandwidthAfter);
        md.append("- Inputs: random weights (fp32/fp16: Gaussian, sd 0.02), codes uniform over 2^bits, fp16 offsets,"
                + " scales and Any-Precision tables Gaussian, input Gaussian; java.util.Random seeded with " + SEED
                + " plus the shape; any-precision-Nb (the engine's kernel: the row's table in a register, codes"
                + " assembled from the planes) and any-precision-lookup-Nb (bit-plane lookup, 2^N - 1 passes) multiply"
                + " the same codes and tables; uniform-Nb-g128 (input sums in fp32) and uniform-Nb-g128-lut16 (input"
                + " sums rounded to 16-bit integers) multiply grids of the same form\n");
        md.append(String.format(Locale.ROOT, "- Each case cycles through copies of its matrix totalling at least %d MB"
                + " and reports the median time of one product; bytes are what a product reads (weights or bit-planes"
                + " and side tables)%n%n", footprintMb));
        md.append("| case | bits | shape | µs | GB/s | % of bandwidth | speed-up vs fp16 | ideal 16/bits |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            Result fp16 = KernelBenchmark.fp16Of(results, r.shape());
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.1f | %.0f | %.2f | %.2f |%n", r.kase(),
                    r.bits(), r.shape(), r.seconds() * 1e6, r.gbPerSecond(), 100 * r.gbPerSecond() / bw,
                    fp16.seconds() / r.seconds(), 16.0 / r.bits()));
        }
        AtomicFiles.writeString(out.resolve("kernels.md"), md.toString());
        stdout.println("wrote " + out.resolve("kernels.csv") + " and " + out.resolve("kernels.md") + " (checksum "
                + bench.checksum() + ")");
        return 0;
    }
}
