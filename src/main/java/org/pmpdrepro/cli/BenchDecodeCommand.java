package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pmpdrepro.bench.DecodeBenchmark;
import org.pmpdrepro.bench.DecodeBenchmark.Divergence;
import org.pmpdrepro.bench.DecodeBenchmark.Job;
import org.pmpdrepro.bench.DecodeBenchmark.Measurement;
import org.pmpdrepro.bench.DecodeBenchmark.Timed;
import org.pmpdrepro.bench.LlamaCpp;
import org.pmpdrepro.bench.MachineInfo;
import org.pmpdrepro.bench.OpProfile;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.GgufWriter;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.QuantizedSession;
import org.pmpdrepro.pmpd.Scheduler;
import org.pmpdrepro.pmpd.Schedulers;
import org.pmpdrepro.quant.methods.Backbones;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench-decode}: the suite's decode jobs timed on the project's decoder and on llama.cpp side by side, with a
 * token-for-token conformance check. A benchmark, never a test: the numbers depend on the machine and on what else
 * runs on it.
 */
@Command(name = "bench-decode", mixinStandardHelpOptions = true,
        description = "Times greedy decoding of each task's test split (the suite's settings) on the project's decoder"
                + " at full precision and under a PMPD schedule, and llama.cpp on the same prompt tokens; checks that"
                + " llama.cpp's tokens equal the project's; writes decode-speed.csv and decode-speed.md.")
final class BenchDecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--fixtures", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--tasks", defaultValue = "debsum,debtrans,debchat", description = "Comma-separated (default: ${DEFAULT-VALUE}).")
    String tasks;

    @Option(names = "--limit", defaultValue = "0", description = "At most N prompts per task (0: all).")
    int limit;

    @Option(names = "--threads", defaultValue = "2", description = "Threads of both engines (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--prefill-tokens", description = "Padded prompt tokens prefilled together (default: ${DEFAULT-VALUE}).")
    int prefillTokens = GreedyDecoder.DEFAULT_PREFILL_TOKENS;

    @Option(names = "--repeat", defaultValue = "2", description = "Runs per measurement; the fastest counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--llama-cpp", description = "Directory built by benchmarks/llama-cpp/setup (default: ${DEFAULT-VALUE}).")
    Path llamaCppDir = Path.of("target", "llama-cpp");

    @Option(names = "--no-llama-cpp", description = "Time the project's decoder only.")
    boolean noLlamaCpp;

    @Option(names = "--schedule", defaultValue = "any-precision:4>3:static",
            description = "BACKBONE:PAIR:SCHEDULER of the switching run, or 'none' (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--out", description = "Results directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("benchmarks", "results");

    @Option(names = "--work", description = "Scratch: the GGUF export, prompt files, recordings (default: ${DEFAULT-VALUE}).")
    Path work = Path.of("target", "bench-work");

    @Option(names = "--profile", description = "Also sample where the decoding thread spends its time, on the first"
            + " task at full precision (Java Flight Recorder).")
    boolean profile;

    private OpProfile.Shares shares;
    private Task profiled;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (threads < 1 || repeat < 1 || prefillTokens < 1 || limit < 0) {
            throw new ParameterException(spec.commandLine(), "--threads, --repeat and --prefill-tokens must be at least"
                    + " 1 and --limit at least 0");
        }
        List<Task> ts = new ArrayList<>();
        try {
            for (String t : tasks.split(",")) {
                ts.add(Task.fromId(t.strip()));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tasks: " + e.getMessage());
        }
        String[] switching = schedule.equals("none") ? null : schedule.split(":");
        if (switching != null && switching.length != 3) {
            throw new ParameterException(spec.commandLine(), "--schedule '" + schedule
                    + "': expected BACKBONE:PAIR:SCHEDULER, e.g. any-precision:4>3:static, or none");
        }
        LlamaCpp llama = noLlamaCpp ? null : LlamaCpp.in(llamaCppDir);
        PrintWriter stdout = spec.commandLine().getOut();
        IntraOpThreads.set(threads);

        List<Measurement> rows = new ArrayList<>();
        Map<String, List<Divergence>> divergences = new LinkedHashMap<>();
        Map<String, Integer> compared = new LinkedHashMap<>();
        try (ModelBundle bundle = ModelBundle.open(model.model, model.deviceChoice())) {
            int eos = bundle.tokenizer().eosId();
            GreedyDecoder decoder = new GreedyDecoder(bundle.model(), model.batchSize, bundle.tokenizer().padId(),
                    prefillTokens);
            Path gguf = null;
            if (llama != null) {
                gguf = work.resolve("model-f32.gguf");
                try (CheckpointDirectory checkpoint = CheckpointDirectory.open(model.model)) {
                    GgufWriter.write(checkpoint, model.model.resolve("tokenizer.json"), gguf);
                }
            }
            String engine = "project (DJL " + bundle.device() + ", " + threads + " threads, batch " + model.batchSize
                    + ")";
            for (Task task : ts) {
                Job job = Job.of(task, fixtures, bundle.tokenizer(), limit);
                // One untimed pass warms the JIT and the engine's allocator.
                decoder.generate(job.prompts().subList(0, Math.min(32, job.prompts().size())), task.maxNewTokens(),
                        eos, PrecisionPlan.fixed(Precision.FULL));
                Timed ours = DecodeBenchmark.project(engine, decoder, bundle.config(), job, eos,
                        PrecisionPlan.fixed(Precision.FULL), "fp32", repeat);
                rows.add(ours.measurement());
                if (profile && shares == null) {
                    profiled = task;
                    shares = OpProfile.of(() -> decoder.generate(job.prompts(), task.maxNewTokens(), eos,
                            PrecisionPlan.fixed(Precision.FULL)), work);
                }
                if (llama != null) {
                    // llama.cpp one prompt at a time (the paper's setting) and in batches as large as the project's.
                    for (int batch : new java.util.TreeSet<>(List.of(1, model.batchSize))) {
                        LlamaCpp.Run run = DecodeBenchmark.llamaCpp(llama, gguf, job, eos, threads, batch, repeat,
                                work);
                        rows.add(DecodeBenchmark.measurement(bundle.config(), job, run, threads, batch));
                        divergences.put(task.id() + " batch " + batch,
                                DecodeBenchmark.compare(bundle.model(), job, ours.result(), run));
                        compared.put(task.id() + " batch " + batch, job.prompts().size());
                    }
                }
            }
        }
        if (switching != null) {
            rows.addAll(switchingRuns(switching, ts));
        }
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder(Measurement.CSV_HEADER).append('\n');
        rows.forEach(r -> csv.append(r.csv()).append('\n'));
        AtomicFiles.writeText(out.resolve("decode-speed.csv"), csv.toString());
        String summary = summary(rows, divergences, compared);
        AtomicFiles.writeText(out.resolve("decode-speed.md"), summary);
        stdout.print(summary);
        stdout.flush();
        return 0;
    }

    private List<Measurement> switchingRuns(String[] switching, List<Task> ts) throws IOException {
        List<Measurement> rows = new ArrayList<>();
        PrecisionPair pair;
        try {
            pair = PrecisionPair.parse(switching[1]);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--schedule: " + e.getMessage());
        }
        try (QuantizedSession session = QuantizedSession.open(model.model, model.deviceChoice(),
                Backbones.named(switching[0]), fixtures, model.batchSize,
                TaskScorer.Config.defaults().withBertScore(false))) {
            ModelBundle bundle = session.bundle();
            int eos = bundle.tokenizer().eosId();
            GreedyDecoder decoder = new GreedyDecoder(bundle.model(), model.batchSize, bundle.tokenizer().padId(),
                    prefillTokens);
            String engine = "project (DJL " + bundle.device() + ", " + threads + " threads, batch " + model.batchSize
                    + ")";
            for (Task task : ts) {
                Scheduler scheduler = Schedulers.create(switching[2], Schedulers.Target.of(task, pair,
                        session.runner().backbone(), session.quantized(), Double.NaN), Schedulers.Sources.defaults());
                Job job = Job.of(task, fixtures, bundle.tokenizer(), limit);
                PrecisionPlan plan = scheduler.plan(task.maxNewTokens());
                decoder.generate(job.prompts().subList(0, Math.min(32, job.prompts().size())), task.maxNewTokens(),
                        eos, plan);
                String name = switching[0] + " " + pair.label() + " " + scheduler.name();
                Timed t = DecodeBenchmark.project(engine, decoder, bundle.config(), job, eos, plan, name, repeat);
                Measurement m = t.measurement();
                // The precision column names the schedule with the average decode bits it reached.
                rows.add(new Measurement(m.engine(), m.task(), String.format(Locale.ROOT, "%s (%.2f bits)", name,
                        t.result().averageBits()), m.prompts(), m.promptTokens(), m.producedTokens(), m.seconds(),
                        m.prefillSeconds(), m.decodeSeconds(), m.usefulFlops()));
            }
        }
        return rows;
    }

    private String summary(List<Measurement> rows, Map<String, List<Divergence>> divergences,
            Map<String, Integer> compared) {
        StringBuilder md = new StringBuilder();
        md.append("# Decode speed: the project's decoder against llama.cpp\n\n");
        md.append("- command: `java -jar target/pmpd-repro.jar ")
                .append(String.join(" ", spec.commandLine().getParseResult().originalArgs())).append("`\n");
        MachineInfo.describe().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- jobs: each task's test split, greedy, the task's token limit; times are the fastest of ")
                .append(repeat).append(" runs; useful GFLOP counts the linear layers and attention over real"
                        + " positions and the output head once per produced token (padding not counted)\n\n");
        md.append("| engine | task | precision | prompt tokens | produced tokens | seconds | prefill s | decode s |"
                + " tokens/s | useful GFLOP/s | time / fastest llama.cpp |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement r : rows) {
            double ratio = rows.stream().filter(o -> o.engine().startsWith("llama.cpp") && o.task() == r.task())
                    .mapToDouble(Measurement::seconds).min().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.2f | %.2f | %.2f | %.0f | %.1f | %s |%n",
                    r.engine(), r.task().id(), r.precision(), r.promptTokens(), r.producedTokens(), r.seconds(),
                    r.prefillSeconds(), r.decodeSeconds(), r.tokensPerSecond(), r.usefulGflopsPerSecond(),
                    Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2fx", r.seconds() / ratio)));
        }
        if (!compared.isEmpty()) {
            md.append("\n## Conformance (llama.cpp's greedy tokens against the project's, full precision)\n\n");
            for (Map.Entry<String, Integer> e : compared.entrySet()) {
                List<Divergence> d = divergences.get(e.getKey());
                md.append(String.format(Locale.ROOT, "- %s: %d of %d prompts identical%n", e.getKey(),
                        e.getValue() - d.size(), e.getValue()));
                for (Divergence x : d) {
                    md.append(String.format(Locale.ROOT, "  - prompt %d, position %d: project %d (leads llama.cpp's"
                            + " token by %.4g logits), llama.cpp %d (its margin %.4g)%n", x.prompt(), x.position(),
                            x.projectToken(), x.projectMargin(), x.llamaToken(), x.llamaMargin()));
                }
            }
        }
        if (shares != null) {
            md.append("\n## Profile of the project's decoder (").append(profiled.id())
                    .append(", full precision; samples of the decoding thread every 10 ms)\n\n")
                    .append(shares.markdown(25));
        }
        return md.toString();
    }
}
