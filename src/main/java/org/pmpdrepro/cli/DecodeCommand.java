package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.Reproduction;
import org.pmpdrepro.eval.ResultsWriter;
import org.pmpdrepro.eval.TaskResult;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.ScoreFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd decode}: greedy full-precision decoding of one prompt, or of a task's fixtures with scores. */
@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Greedy full-precision decoding with a model directory.",
            "--prompt TEXT prints the continuation; --task ID decodes the task's fixtures, prints all metrics",
            "and tokens/s, and with --out writes outputs.jsonl, scores.json and summary.md."
        })
public final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Continue this text (the model sees <s> + TEXT).")
    String prompt;

    /** Without {@code --max-new-tokens}, a prompt gets this many new tokens at most. */
    static final int DEFAULT_MAX_NEW_TOKENS = 64;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "With --prompt: at most this many new tokens (default: 64; a task sets its own).")
    Integer maxNewTokens;

    @Option(names = "--task", paramLabel = "ID", description = "Decode this task's fixtures: debsum, debtrans or debchat.")
    String task;

    @Option(names = "--split", paramLabel = "SPLIT", description = "With --task: test or calibration (default: test).")
    String split;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "With --task: the first N examples only (default: all).")
    int limit;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--no-bertscore", description = "With --task: skip BERTScore (the slow metric).")
    boolean noBertScore;

    @Option(names = "--out", paramLabel = "DIR", description = "With --task: write the results here.")
    Path out;

    @Override
    public Integer call() throws IOException {
        DeviceChoice device = model.deviceChoice();
        if ((prompt == null) == (task == null)) {
            throw usage("give exactly one of --prompt TEXT and --task ID");
        }
        return prompt != null ? decodePrompt(device) : decodeTask(device);
    }

    private int decodePrompt(DeviceChoice device) throws IOException {
        onlyWithTask(limit != 0, "--limit");
        onlyWithTask(out != null, "--out");
        onlyWithTask(noBertScore, "--no-bertscore");
        onlyWithTask(split != null, "--split");
        if (maxNewTokens != null && maxNewTokens < 1) {
            throw usage("--max-new-tokens " + maxNewTokens + ": expected at least 1");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ModelBundle bundle = ModelBundle.open(model.model, device)) {
            int[] encoded = bundle.tokenizer().encode(prompt);
            int[] ids = new int[encoded.length + 1];
            ids[0] = bundle.tokenizer().bosId();
            System.arraycopy(encoded, 0, ids, 1, encoded.length);
            int newTokens = maxNewTokens == null ? DEFAULT_MAX_NEW_TOKENS : maxNewTokens;
            DecodeResult result = new GreedyDecoder(bundle.model(), 1, bundle.tokenizer().padId())
                    .generate(List.of(ids), newTokens, bundle.tokenizer().eosId(), PrecisionPlan.fixed(Precision.FULL));
            Generation g = result.generations().get(0);
            stdout.println(bundle.tokenizer().decode(g.tokens()));
            stdout.println("--");
            stdout.printf(Locale.ROOT, "%d tokens in %.2f s: %.1f tokens/s on %s (%s)%n", result.generatedTokens(),
                    result.seconds(), result.tokensPerSecond(), result.device(),
                    g.stoppedAtEos() ? "stopped at end-of-sequence" : "stopped at the token limit");
            stdout.flush();
            return 0;
        }
    }

    private int decodeTask(DeviceChoice device) throws IOException {
        Reproduction.Settings settings = taskSettings();
        Task t = Task.fromId(task);
        PrintWriter stdout = spec.commandLine().getOut();
        // Fixtures are checked before a model that may take minutes to load.
        Provenance.manifestSha256(settings.fixturesDir());
        settings.examples(t);
        try (ModelBundle bundle = ModelBundle.open(model.model, device)) {
            TaskResult r = Reproduction.evaluate(bundle, t, settings, false);
            stdout.printf(Locale.ROOT, "%s: %d %s examples on %s, batch %d: %d tokens in %.2f s, %.1f tokens/s%n",
                    t.id(), r.outputs().size(), r.split().id(), r.outputs().device(), r.outputs().batchSize(),
                    r.outputs().generatedTokens(), r.outputs().seconds(), r.outputs().tokensPerSecond());
            stdout.println("scored against the " + r.scores().scoredAgainst() + "; outputs " + TaskRun.POST_PROCESSING);
            for (MetricResult m : r.scores().results()) {
                stdout.println((r.scores().isPrimary(m.metric()) ? "* " : "  ") + ScoreFormat.text(m));
            }
            if (out != null) {
                ResultsWriter.write(out, Provenance.of(bundle, settings.fixturesDir()), List.of(r));
                stdout.println("results written to " + out);
            }
            stdout.flush();
            return 0;
        }
    }

    /** The settings of a --task run; flags that do not apply or do not parse are usage errors. */
    private Reproduction.Settings taskSettings() {
        if (maxNewTokens != null) {
            throw usage("--max-new-tokens applies to --prompt only; a task decodes at most its own max new tokens ("
                    + String.join(", ", Arrays.stream(Task.values()).map(t -> t.id() + " " + t.maxNewTokens()).toList())
                    + ")");
        }
        if (limit < 0) {
            throw usage("--limit " + limit + ": expected 0 (all) or a positive count");
        }
        Split s;
        try {
            Task.fromId(task);
            s = Split.fromId(split == null ? Split.TEST.id() : split);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (s == Split.TRAIN) {
            throw usage("--split train: the train split is not a committed fixture; expected test or calibration");
        }
        return Reproduction.Settings.defaults().withFixturesDir(fixtures).withSplit(s).withLimit(limit)
                .withBatchSize(model.batchSize).withScorer(TaskScorer.Config.defaults().withBertScore(!noBertScore));
    }

    private void onlyWithTask(boolean given, String flag) {
        if (given) {
            throw usage(flag + " applies to --task only, not to --prompt");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
