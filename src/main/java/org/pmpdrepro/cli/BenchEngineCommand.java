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
import org.pmpdrepro.bench.EngineBenchmark;
import org.pmpdrepro.bench.EngineBenchmark.Row;
import org.pmpdrepro.bench.EngineBenchmark.Schedule;
import org.pmpdrepro.bench.LlamaCpp;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.model.GgufWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench-engine}: tokens/s of the packed Java engine on a synthetic model of Llama-2-7B's width at fp16, at 4, 3
 * and 2 bits (Any-Precision and uniform grids) and under PMPD schedules, beside the read bandwidth measured in the
 * same run. A benchmark, never a test.
 */
@Command(name = "bench-engine", mixinStandardHelpOptions = true,
        description = "Times greedy decoding with the packed Java engine (--engine java) on a synthetic model of"
                + " Llama-2-7B's width (random weights in the kernels' forms) at fp16, 4, 3 and 2 bits and under PMPD"
                + " schedules; writes decode.csv and decode.md. Needs java --add-modules jdk.incubator.vector and"
                + " about 8 GB of memory at the default 8 blocks.")
final class BenchEngineCommand implements Callable<Integer> {

    static final long SEED = 20261206L;

    /**
     * The static scheduler's average decode bits on the fixture model, the mean over the three tasks of
     * {@code docs/results.md}'s Table 1 (4>3: 3.78, 3.95, 3.00; 3>2: 2.77, 2.88, 2.89).
     */
    static final String DEFAULT_SCHEDULES = "4>3@3.58,3>2@2.85";

    @Spec
    CommandSpec spec;

    @Option(names = "--layers", defaultValue = "8", description = "Decoder blocks of the synthetic model (default:"
            + " ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "4096", description = "Hidden size (default: ${DEFAULT-VALUE},"
            + " Llama-2-7B's).")
    int hidden;

    @Option(names = "--intermediate", defaultValue = "11008", description = "MLP size (default: ${DEFAULT-VALUE}).")
    int intermediate;

    @Option(names = "--heads", defaultValue = "32", description = "Attention heads, as many key/value heads"
            + " (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--vocab", defaultValue = "32000", description = "Vocabulary (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--prompt-tokens", defaultValue = "8", description = "Prompt tokens prefilled before the timed"
            + " steps (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "64", description = "Timed decode steps per case (default:"
            + " ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds over all cases; the median is reported"
            + " (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--schedules", defaultValue = DEFAULT_SCHEDULES, description = "Comma-separated HIGH>LOW@BITS:"
            + " PMPD schedules switching once so that the decode steps average BITS (default: ${DEFAULT-VALUE}, the"
            + " static scheduler's mean bits on the fixture model).")
    String schedules;

    @Option(names = "--llama-cpp", paramLabel = "DIR", description = "Also time llama.cpp on the same shape and prompt"
            + " with the harness built in DIR by benchmarks/llama-cpp/setup (default: not run).")
    Path llamaCpp;

    @Option(names = "--llama-types", defaultValue = "F16,Q8_0,Q4_0", description = "GGUF weight types llama.cpp"
            + " runs (default: ${DEFAULT-VALUE}).")
    String llamaTypes;

    @Option(names = "--work", paramLabel = "DIR", description = "Where the GGUF files are written and kept (default:"
            + " ${DEFAULT-VALUE}).")
    Path work = Path.of("target", "bench-engine");

    @Option(names = "--tokenizer-from", paramLabel = "DIR", description = "Model directory whose tokenizer.json the"
            + " GGUF files carry, padded with unused tokens to the vocabulary (default: ${DEFAULT-VALUE}).")
    Path tokenizerFrom = Path.of("fixtures", "model");

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        options.check(spec);
        int threads = options.threads;
        Path out = options.out;
        if (layers < 1 || promptTokens < 1 || newTokens < 1 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--layers, --prompt-tokens, --new-tokens and --rounds"
                    + " must be at least 1");
        }
        if (heads < 1 || hidden % heads != 0 || hidden / heads % 2 != 0 || hidden % 32 != 0 || intermediate % 32 != 0
                || vocab < 2) {
            throw new ParameterException(spec.commandLine(), "--hidden " + hidden + ", --intermediate " + intermediate
                    + ", --heads " + heads + ", --vocab " + vocab + ": expected hidden and intermediate multiples of"
                    + " 32 (the kernels' row blocks), hidden / heads even, vocab at least 2");
        }
        if ((long) vocab * hidden > Integer.MAX_VALUE / 2 || (long) hidden * intermediate > Integer.MAX_VALUE / 2) {
            throw new ParameterException(spec.commandLine(), "--vocab x --hidden and --hidden x --intermediate must"
                    + " each be below " + Integer.MAX_VALUE / 2);
        }
        List<Schedule> parsed = parseSchedules();
        List<GgufWriter.Type> types = new ArrayList<>();
        LlamaCpp harness = null;
        if (llamaCpp != null) {
            for (String t : llamaTypes.split(",")) {
                try {
                    types.add(GgufWriter.Type.valueOf(t.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--llama-types: '" + t.strip() + "'; expected"
                            + " some of F32, F16, Q8_0, Q4_0");
                }
            }
            try {
                harness = LlamaCpp.in(llamaCpp);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--llama-cpp: " + e.getMessage());
            }
            if (!java.nio.file.Files.isRegularFile(tokenizerFrom.resolve("tokenizer.json"))) {
                throw new ParameterException(spec.commandLine(), "--tokenizer-from: no tokenizer.json in "
                        + tokenizerFrom);
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        EngineBenchmark bench = new EngineBenchmark(new EngineBenchmark.Settings(EngineBenchmark.synthetic(hidden, intermediate, layers, heads, vocab),
                threads, promptTokens, newTokens, 128, rounds, SEED), line -> {
                    stdout.println(line);
                    stdout.flush();
                });
        double before = options.readBandwidth(SEED);
        stdout.printf(Locale.ROOT, "read bandwidth: %.1f GB/s%n", before);
        long started = System.nanoTime();
        List<Row> rows = new ArrayList<>(bench.run(parsed));
        if (harness != null) {
            rows.addAll(bench.llamaCpp(harness, work, tokenizerFrom.resolve("tokenizer.json"), types));
        }
        double after = options.readBandwidth(SEED);
        stdout.printf(Locale.ROOT, "read bandwidth again: %.1f GB/s; build and cases took %.0f s%n", after,
                (System.nanoTime() - started) / 1e9);
        double bw = Math.max(before, after);
        Row fp16 = rows.get(0);

        List<String> csv = new ArrayList<>();
        csv.add("engine,model,precision,tokens_per_s,weight_bytes_per_token,pct_of_bandwidth,average_bits,steps,"
                + "seconds,matrix_seconds,head_seconds,other_seconds,speedup_vs_fp16");
        for (Row r : rows) {
            csv.add(String.format(Locale.ROOT, "%s,%s,%s,%.3f,%d,%.1f,%.3f,%d,%.4f,%.4f,%.4f,%.4f,%.3f", r.engine(),
                    r.model() + " (" + bench.modelLabel() + ")", r.precision(), r.tokensPerSecond(),
                    r.weightBytesPerToken(), 100 * r.gbPerSecond() / bw, r.averageBits(), r.steps(), r.seconds(),
                    r.matrixSeconds(), r.headSeconds(), r.otherSeconds(), fp16.seconds() / r.seconds()));
        }
        AtomicFiles.writeString(out.resolve("decode.csv"), String.join("\n", csv) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("# End-to-end decode speed of the packed Java engine\n\n");
        md.append("Written by `bench-engine` (").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE))
                .append("); regenerate with\n\n")
                .append(harness == null ? "" : "    benchmarks/llama-cpp/setup target/llama-cpp\n")
                .append("    java --add-modules jdk.incubator.vector -Xmx6g -jar"
                        + " target/pmpd-repro.jar bench-engine --hidden ").append(hidden).append(" --intermediate ")
                .append(intermediate).append(" --heads ").append(heads).append(" --vocab ").append(vocab)
                .append(" --layers ").append(layers).append(" --threads ")
                .append(threads).append(" --prompt-tokens ").append(promptTokens).append(" --new-tokens ")
                .append(newTokens).append(" --rounds ").append(rounds).append(" --schedules '").append(schedules)
                .append("' --bandwidth-mb ").append(options.bandwidthMb)
                .append(harness == null ? "" : " --llama-cpp target/llama-cpp --llama-types " + llamaTypes)
                .append(harness == null ? "\n\n" : "\n\n(the GGUF files go to --work, default target/bench-engine,"
                        + " about 6.5 GB at the default shape)\n\n");
        options.describe(md, before, after);
        md.append("- Model: ").append(bench.modelLabel()).append(", random weights (seed ").append(SEED)
                .append(") in the kernels' forms: fp16 rows; Any-Precision one 4-bit set of planes with per-row fp16"
                        + " tables for 2, 3 and 4 bits; uniform grids one set of planes per width, fp16 offset and"
                        + " scale per row and 128 columns, multiplied by the fp32 lookup kernel (uniform-g128) and by"
                        + " the 16-bit integer lookup kernel (uniform-g128-int16: the input's sums rounded, what"
                        + " --engine java-int16 runs); any-precision-int16: Any-Precision as --engine java-int16 runs"
                        + " it, 2 bits by the 16-bit integer lookup kernel over 2-bit planes in its layout (the engine"
                        + " packs the 2-bit codes again; here random like the rest), 3 and 4 bits as any-precision."
                        + " Output head fp16 in every case; embedding and norms fp32.\n");
        md.append(String.format(Locale.ROOT, "- Each case prefills %d random tokens, then times %d greedy decode steps"
                + " (batch 1), %d rounds over all cases after one warm-up pass; the median round is reported. Bytes per"
                + " token: what a step's products read (planes or rows and their side tables, the head included).%n",
                promptTokens, newTokens, rounds));
        md.append("- PMPD schedules: the high width up to the switch point s, then the low one; s set so the decode"
                + " steps average the stated bits (" + schedules + ": the static scheduler's mean on the fixture"
                + " model, Table 1 of docs/results.md).\n\n");
        md.append("| model | precision | bits | tokens/s | MB/token | GB/s | % of bandwidth | speed-up vs fp16 |"
                + " ideal (fp16 bytes / bytes) | ms/token: matrices / head / rest | rounds (s) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            StringBuilder roundList = new StringBuilder();
            for (double s : r.roundSeconds()) {
                roundList.append(roundList.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", s));
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.0f | %.1f | %.0f | %.2f | %.2f |"
                    + " %.1f / %.1f / %.1f | %s |%n", r.model(), r.precision(), r.averageBits(), r.tokensPerSecond(),
                    r.weightBytesPerToken() / 1e6, r.gbPerSecond(), 100 * r.gbPerSecond() / bw,
                    fp16.seconds() / r.seconds(), (double) fp16.weightBytesPerToken() / r.weightBytesPerToken(),
                    1e3 * r.matrixSeconds() / r.steps(), 1e3 * r.headSeconds() / r.steps(),
                    1e3 * r.otherSeconds() / r.steps(), roundList).replace("NaN / NaN / NaN", "-"));
        }
        Row q4 = rows.stream().filter(r -> r.precision().equals("Q4_0")).findFirst().orElse(null);
        if (q4 != null) {
            md.append("\nAgainst llama.cpp Q4_0 in the same run (tokens/s ratio):");
            for (Row r : rows) {
                if (r.engine().equals("java") && (r.precision().startsWith("pmpd 3>2") || r.precision().equals("3bit"))) {
                    md.append(String.format(Locale.ROOT, " %s %s %.2fx;", r.model(), r.precision(),
                            r.tokensPerSecond() / q4.tokensPerSecond()));
                }
            }
            md.append("\n\nllama.cpp rows: node-llama-cpp's prebuilt CPU libraries through the project's harness"
                    + " (benchmarks/llama-cpp/setup), the same prompt ids, batch 1, F32 KV cache, weights random and"
                    + " converted by the project's GGUF writer (matrices, embeddings and output head in the type, norms"
                    + " F32); its decode time as the harness reports it.\n");
        }
        AtomicFiles.writeString(out.resolve("decode.md"), md.toString());
        stdout.println("wrote " + out.resolve("decode.csv") + " and " + out.resolve("decode.md"));
        return 0;
    }

    private List<Schedule> parseSchedules() {
        List<Schedule> out = new ArrayList<>();
        if (schedules.isBlank()) {
            return out;
        }
        for (String s : schedules.split(",")) {
            String t = s.strip();
            try {
                String[] at = t.split("@");
                String[] pair = at[0].split(">");
                if (at.length != 2 || pair.length != 2) {
                    throw new NumberFormatException();
                }
                int high = Integer.parseInt(pair[0].strip());
                int low = Integer.parseInt(pair[1].strip());
                if (high <= low || low < 2 || high > 4) {
                    throw new NumberFormatException();
                }
                out.add(Schedule.reaching(high, low, Double.parseDouble(at[1].strip()), newTokens));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--schedules: '" + t + "'; expected HIGH>LOW@BITS"
                        + " with 4 >= HIGH > LOW >= 2 and LOW <= BITS <= HIGH, e.g. 3>2@2.85");
            }
        }
        return out;
    }
}
