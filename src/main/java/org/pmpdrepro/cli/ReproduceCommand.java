package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.Reproduction;
import org.pmpdrepro.eval.ResultsWriter;
import org.pmpdrepro.eval.SummaryTable;
import org.pmpdrepro.eval.TaskResult;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.eval.TrivialBaselines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd reproduce}: every task at full precision with the fixture model, scored, beside trivial baselines. */
@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description = {
            "Decodes every task's test split at full precision, scores it with Rouge-L, BERTScore, BLEU and",
            "SacreBLEU, scores the trivial baselines the same way, prints one table and writes everything",
            "(outputs, scores with signatures and provenance, summary.md) to --out.",
            "debchat is scored against the human continuation here: against its own output (the paper's",
            "protocol for quantized runs) the full-precision model would score 1 by definition."
        })
public final class ReproduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "The first N examples of each task only (default: all).")
    int limit;

    @Option(names = "--no-bertscore", description = "Skip BERTScore (the slow metric).")
    boolean noBertScore;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random-other baseline (default: ${DEFAULT-VALUE}).")
    long seed = TrivialBaselines.DEFAULT_SEED;

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "reproduction");

    @Override
    public Integer call() throws IOException {
        DeviceChoice device = model.deviceChoice();
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + ": expected 0 (all) or a positive count");
        }
        Reproduction.Settings settings = new Reproduction.Settings(fixtures, Split.TEST, limit, model.batchSize,
                TaskScorer.Config.defaults().withBertScore(!noBertScore), seed);
        PrintWriter stdout = spec.commandLine().getOut();
        // Fixtures are checked before a model that may take minutes to load.
        Provenance.manifestSha256(fixtures);
        try (ModelBundle bundle = ModelBundle.open(model.model, device)) {
            Provenance provenance = Provenance.of(bundle, fixtures);
            List<TaskResult> results = Reproduction.run(bundle, settings);
            ResultsWriter.write(out, provenance, results);
            stdout.println("model " + provenance.model().directory() + " (sha256 " + provenance.model().shortHash()
                    + "...) on " + bundle.device() + "; greedy, full precision; outputs "
                    + TaskRun.POST_PROCESSING);
            stdout.print(SummaryTable.text(results));
            stdout.println("results written to " + out);
            stdout.flush();
            return 0;
        }
    }
}
