package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DecodeEngine;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.ScoreFormat;
import org.pmpdrepro.pmpd.CellResult;
import org.pmpdrepro.pmpd.CellWriter;
import org.pmpdrepro.pmpd.PmpdTable;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.QuantizedSession;
import org.pmpdrepro.pmpd.Schedulers;
import org.pmpdrepro.pmpd.TableRun;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.KernelLinears;
import org.pmpdrepro.quant.methods.Backbones;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd schedule run|table} (alias {@code pmpd pmpd}, the name before): progressive mixed-precision decoding of the task fixtures on a quantized back-bone. */
@Command(name = "schedule", aliases = "pmpd", mixinStandardHelpOptions = true,
        description = "Progressive mixed-precision decoding: one cell (run), the paper's Table 1 (table), and the"
                + " schedulers' fitting per back-bone (static-search with the bits-matched baselines,"
                + " train-learned).",
        subcommands = {PmpdCommand.Run.class, PmpdCommand.Table.class, PmpdFitCommands.StaticSearchCommand.class,
            PmpdFitCommands.TrainLearnedCommand.class, PmpdCommand.Merge.class})
final class PmpdCommand {

    /** Options every PMPD sub-command shares. */
    static final class Common {
        @Mixin
        ModelOptions model;

        @Option(names = "--backbone", defaultValue = "any-precision",
                description = "any-precision, gptq, haq, bit-mixer or rtn as the ablation suite builds them, or"
                        + " any-precision-uniform (plain k-means) (default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--fixtures", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
        Path fixtures = TaskFixtures.DEFAULT_DIR;

        @Option(names = "--engine", defaultValue = "djl", description = "djl (dequantized weights in DJL's forward"
                + " pass, batched), java (the packed CPU kernels, batch 1; rtn, gptq and any-precision; needs java"
                + " --add-modules jdk.incubator.vector) or java-int16 (java, with rtn's and gptq's grids and"
                + " any-precision at 2 bits multiplied by 16-bit integer table lookup: faster, except uniform grids"
                + " at 2 bits, the input's sums rounded, so not the reproduction's: 3 of 168 fixture decodes differ"
                + " from djl's) (default: ${DEFAULT-VALUE}).")
        // Initialised too: a Common built by hand (the fitting commands) gets no default from picocli.
        String engine = DecodeEngine.DJL.id();

        @Option(names = "--limit", defaultValue = "0", description = "At most N examples per task (0: all).")
        int limit;

        @Option(names = "--no-bertscore", description = "Skip BERTScore (the slow metric).")
        boolean noBertScore;

        @Option(names = "--static-dir", description = "Static search results (default: ${DEFAULT-VALUE}).")
        Path staticDir = org.pmpdrepro.pmpd.StaticStore.DEFAULT_DIR;

        @Option(names = "--learned-dir", description = "Learned scheduler weights (default: ${DEFAULT-VALUE}).")
        Path learnedDir = org.pmpdrepro.pmpd.LearnedStore.DEFAULT_DIR;

        @Option(names = "--baselines-dir", description = "Bits-matched baselines' fits (default: ${DEFAULT-VALUE}).")
        Path baselinesDir = org.pmpdrepro.pmpd.BaselineStore.DEFAULT_DIR;

        @Option(names = "--fisher", description = "Fisher sensitivities ranking matrices for the matched-bits mixes"
                + " (default: ${DEFAULT-VALUE}).")
        Path fisher = Schedulers.Sources.defaults().fisherFile();

        @Option(names = "--seed", description = "Seed of the uncalibrated random baselines (default: ${DEFAULT-VALUE}).")
        long seed = Schedulers.DEFAULT_SEED;

        QuantizedSession open(CommandSpec spec) throws IOException {
            if (limit < 0) {
                throw new ParameterException(spec.commandLine(), "--limit " + limit + ": expected 0 (all) or more");
            }
            Backbone b;
            try {
                b = Backbones.named(backbone);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--backbone " + e.getMessage());
            }
            DecodeEngine e;
            try {
                e = DecodeEngine.parse(engine);
            } catch (IllegalArgumentException x) {
                throw new ParameterException(spec.commandLine(), "--engine: " + x.getMessage());
            }
            if (e.isJava() && model.deviceChoice() == DeviceChoice.GPU) {
                throw new ParameterException(spec.commandLine(), "--engine " + e.id() + " runs on the CPU; give"
                        + " --device cpu or auto");
            }
            try {
                return QuantizedSession.open(model.model, model.deviceChoice(), b, fixtures, model.batchSize,
                        TaskScorer.Config.defaults().withBertScore(!noBertScore), e);
            } catch (KernelLinears.Refused x) {
                throw new ParameterException(spec.commandLine(), "--engine " + e.id() + " with --backbone " + backbone
                        + ": " + x.getMessage());
            }
        }

        List<TaskExample> examples(Task task, Split split) {
            List<TaskExample> all = TaskFixtures.load(fixtures, task, split);
            return limit == 0 || limit >= all.size() ? all : all.subList(0, limit);
        }

        Schedulers.Sources sources() {
            return new Schedulers.Sources(staticDir, learnedDir, baselinesDir, fisher, seed);
        }

        CellWriter.Provenance provenance(QuantizedSession s, String command) {
            return new CellWriter.Provenance(s.bundle().identity().sha256(), Provenance.manifestSha256(fixtures),
                    command);
        }
    }

    static Split split(CommandSpec spec, String id) {
        try {
            Split s = Split.fromId(id);
            if (s == Split.TRAIN) {
                throw new IllegalArgumentException("the train split is not a committed fixture");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--split " + id + ": " + e.getMessage()
                    + "; expected test or calibration");
        }
    }

    /** The command line as typed after the program name, for provenance: {@code pmpd schedule run ...}. */
    static String commandLine(CommandSpec spec) {
        // originalArgs holds the whole command line, the sub-command names included
        return "pmpd " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Decode a task split with one back-bone, precision pair and scheduler; print scores,"
                    + " average bits, bytes/token and tokens/s; write outputs and traces with --out.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Option(names = "--task", required = true, description = "debsum, debtrans or debchat.")
        String task;

        @Option(names = "--pair", defaultValue = "4>3", description = "HIGH>LOW bits (default: ${DEFAULT-VALUE}).")
        String pair;

        @Option(names = "--scheduler", required = true, description = "One of: ${COMPLETION-CANDIDATES}.",
                completionCandidates = Names.class)
        String scheduler;

        @Option(names = "--match", defaultValue = "learned",
                description = "none-matched: the PMPD scheduler whose average bits it matches (default: ${DEFAULT-VALUE};"
                        + " matched-static and matched-learned match their own).")
        String match;

        @Option(names = "--split", defaultValue = "test", description = "test or calibration (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--out", description = "Write outputs, traces and a summary under this directory.")
        Path out;

        @Override
        public Integer call() throws IOException {
            Task t;
            PrecisionPair p;
            try {
                t = Task.fromId(task);
                p = PrecisionPair.parse(pair);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!Schedulers.NAMES.contains(scheduler)) {
                throw new ParameterException(spec.commandLine(), "--scheduler '" + scheduler + "': expected one of "
                        + Schedulers.NAMES);
            }
            Split s = split(spec, split);
            PrintWriter stdout = spec.commandLine().getOut();
            List<TaskExample> examples = common.examples(t, s);
            try (QuantizedSession session = common.open(spec)) {
                CellResult c = TableRun.cell(session.runner(), s, examples, t, p, scheduler, match, common.sources());
                stdout.printf(Locale.ROOT, "%s %s, %s %s, %s: %d examples, %d tokens in %.2f s, %.1f tokens/s%n",
                        t.id(), s.id(), session.runner().backbone(), p, c.scheduler(), c.outputs().size(),
                        c.outputs().generatedTokens(), c.outputs().seconds(), c.tokensPerSecond());
                stdout.printf(Locale.ROOT, "average bits %.4f, weight bytes per decoded token %.0f; scheduler %s%n",
                        c.averageBits(), c.bytesPerToken(), c.parameters());
                stdout.println("scored against the " + c.scores().scoredAgainst());
                for (MetricResult m : c.scores().results()) {
                    stdout.println((c.scores().isPrimary(m.metric()) ? "* " : "  ") + ScoreFormat.text(m));
                }
                if (out != null) {
                    Path dir = CellWriter.write(out, c, common.provenance(session,
                            commandLine(spec)));
                    stdout.println("outputs and traces written to " + dir);
                }
                stdout.flush();
                return 0;
            }
        }
    }

    @Command(name = "table", mixinStandardHelpOptions = true,
            description = "The paper's Table 1 layout: every scheduler and baseline x precision pair x task on one"
                    + " split; writes table.md and table.csv (and every cell's outputs) under --out.")
    static final class Table implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Option(names = "--pairs", defaultValue = "4>3,3>2", description = "Comma-separated (default: ${DEFAULT-VALUE}).")
        String pairs;

        @Option(names = "--tasks", defaultValue = "debsum,debchat,debtrans", description = "Comma-separated (default: ${DEFAULT-VALUE}).")
        String tasks;

        @Option(names = "--schedulers", description = "Comma-separated; a matched arm after the schedule it matches"
                + " (default: all, table order).")
        String schedulers = String.join(",", Schedulers.NAMES);

        @Option(names = "--match", defaultValue = "learned",
                description = "none-matched matches this scheduler's average bits (default: ${DEFAULT-VALUE}).")
        String match;

        @Option(names = "--split", defaultValue = "test", description = "test or calibration (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--out", required = true, description = "Results directory.")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<PrecisionPair> ps;
            List<Task> ts = new ArrayList<>();
            List<String> ss = Arrays.asList(schedulers.split(","));
            try {
                ps = TableRun.pairs(pairs);
                for (String t : tasks.split(",")) {
                    ts.add(Task.fromId(t));
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            for (String s : ss) {
                if (!Schedulers.NAMES.contains(s)) {
                    throw new ParameterException(spec.commandLine(), "--schedulers: '" + s + "' is not one of "
                            + Schedulers.NAMES);
                }
            }
            Split s = split(spec, split);
            PrintWriter stdout = spec.commandLine().getOut();
            try (QuantizedSession session = common.open(spec)) {
                CellWriter.Provenance prov = common.provenance(session, commandLine(spec));
                PmpdTable table = TableRun.run(session.runner(), t -> common.examples(t, s), s, ps, ts, ss, match,
                        common.sources(), out, prov);
                String md = "Back-bone " + session.runner().backbone() + ", " + s.id() + " split"
                        + (common.limit > 0 ? " (first " + common.limit + " examples per task)" : "") + ", model "
                        + prov.modelSha256() + "; debchat scored against the full-precision output.\n\n"
                        + table.markdown();
                AtomicFiles.writeString(out.resolve("table.md"), md);
                AtomicFiles.writeString(out.resolve("table.csv"), table.csv());
                stdout.print(md);
                stdout.println("table written to " + out.resolve("table.md") + " and table.csv");
                stdout.flush();
                return 0;
            }
        }
    }

    @Command(name = "merge-tables", mixinStandardHelpOptions = true,
            description = "Merge table.csv files of several table runs into one table.md and table.csv.")
    static final class Merge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "CSV", description = "table.csv files.")
        List<Path> inputs;

        @Option(names = "--out", required = true, description = "Directory for the merged table.")
        Path out;

        @Override
        public Integer call() throws IOException {
            PmpdTable table = new PmpdTable();
            for (Path in : inputs) {
                table.addCsv(in);
            }
            table.sortSchedulers(Schedulers.NAMES);
            AtomicFiles.writeString(out.resolve("table.md"), table.markdown());
            AtomicFiles.writeString(out.resolve("table.csv"), table.csv());
            spec.commandLine().getOut().print(table.markdown());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Completion candidates for --scheduler. */
    static final class Names extends ArrayList<String> {
        Names() {
            super(Schedulers.NAMES);
        }
    }
}
