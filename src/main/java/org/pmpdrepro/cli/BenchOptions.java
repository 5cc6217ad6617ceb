package org.pmpdrepro.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.pmpdrepro.bench.KernelBenchmark;
import org.pmpdrepro.bench.MachineInfo;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options and checks the CPU-kernel benchmarks share: threads, the read-bandwidth buffer, where results go. */
final class BenchOptions {

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--bandwidth-mb", defaultValue = "2048", description = "Buffer the read bandwidth is measured"
            + " over (default: ${DEFAULT-VALUE}).")
    long bandwidthMb;

    @Option(names = "--out", description = "Results directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("benchmarks", "results");

    /** Refuses non-positive threads or buffer, and a JVM without the Vector API module. */
    void check(CommandSpec spec) {
        if (threads < 1 || bandwidthMb < 1) {
            throw new ParameterException(spec.commandLine(), "--threads and --bandwidth-mb must be at least 1");
        }
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
        } catch (ClassNotFoundException e) {
            throw new ParameterException(spec.commandLine(), "the kernels need the Vector API: run java with"
                    + " --add-modules jdk.incubator.vector");
        }
    }

    /** The machine's read bandwidth in GB/s: {@code threads} summing the buffer, best of 5. */
    double readBandwidth(long seed) {
        return new KernelBenchmark(new KernelBenchmark.Settings(java.util.List.of(), threads, 1, 1, seed), l -> {})
                .readBandwidth(bandwidthMb << 20, 5) / 1e9;
    }

    /** The machine lines of a summary and the bandwidth measured before and after the cases. */
    void describe(StringBuilder md, double before, double after) {
        for (Map.Entry<String, String> e : MachineInfo.describe().entrySet()) {
            md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        md.append(String.format(Locale.ROOT, "- Read bandwidth (%d threads summing a %d MB buffer, best of 5, before and"
                + " after the cases): %.1f and %.1f GB/s; percentages use %.1f%n", threads, bandwidthMb, before, after,
                Math.max(before, after)));
    }
}
