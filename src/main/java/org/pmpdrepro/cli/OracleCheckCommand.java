package org.pmpdrepro.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.OracleAgreement;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd oracle-check}: the DJL decoder, on the device asked for, against the plain-Java oracle on the first
 * test prompts of every task: the worst relative logit error on each task's first prompt, and greedy decoding of
 * all of them (in batches of {@code --batch-size}) token for token. What the unit tests hold on the CPU, for a
 * device no test runs on.
 */
@Command(
        name = "oracle-check",
        mixinStandardHelpOptions = true,
        description = {
            "The DJL decoder on --device against the plain-Java oracle on the first test prompts of each task:",
            "worst relative logit error and greedy tokens. Exit code 0 when every task agrees, 1 otherwise."
        })
public final class OracleCheckCommand implements Callable<Integer> {

    /** The tolerance {@code DjlLlamaOracleTest} holds the CPU to. */
    static final double DEFAULT_TOLERANCE = 1e-4;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--prompts", paramLabel = "N", defaultValue = "4",
            description = "Test prompts per task (default: ${DEFAULT-VALUE}), decoded in batches of --batch-size.")
    int prompts;

    @Option(names = "--tolerance", paramLabel = "X", description = "Largest relative logit error allowed"
            + " (default: ${DEFAULT-VALUE}).")
    double tolerance = DEFAULT_TOLERANCE;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path out;

    private record TaskAgreement(Task task, OracleAgreement agreement) {}

    @Override
    public Integer call() throws IOException {
        if (prompts < 1) {
            throw new ParameterException(spec.commandLine(), "--prompts " + prompts + ": expected at least 1");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ModelBundle bundle = ModelBundle.open(model.model, model.deviceChoice())) {
            OracleLlama oracle = OracleLlama.load(bundle.checkpoint());
            ProjectTokenizer tokenizer = bundle.tokenizer();
            List<TaskAgreement> results = new ArrayList<>();
            for (Task task : Task.values()) {
                List<int[]> ids = prompts(tokenizer, task);
                int[] first = ids.get(0);
                double error = OracleAgreement.worstRelativeError(bundle.model().logits(first, Precision.FULL),
                        oracle.logits(first));
                DecodeResult djl = new GreedyDecoder(bundle.model(), model.batchSize, tokenizer.padId()).generate(ids,
                        task.maxNewTokens(), tokenizer.eosId(), PrecisionPlan.fixed(Precision.FULL));
                List<int[]> expected = ids.stream()
                        .map(p -> oracle.greedy(p, task.maxNewTokens(), tokenizer.eosId())).toList();
                OracleAgreement a = OracleAgreement.of(bundle.device(), error, djl.generations(), expected,
                        tokenizer.eosId());
                results.add(new TaskAgreement(task, a));
                stdout.printf(Locale.ROOT, "%s on %s: worst relative logit error %.3g (tolerance %.3g); greedy tokens"
                        + " of %d/%d prompts identical to the oracle's%s -> %s%n", task.id(), a.device(),
                        a.worstRelativeError(), tolerance, a.matchingPrompts(), a.prompts(),
                        a.firstMismatch().isEmpty() ? "" : " (first difference: " + a.firstMismatch() + ")",
                        a.agrees(tolerance) ? "agrees" : "DISAGREES");
            }
            boolean agrees = results.stream().allMatch(r -> r.agreement().agrees(tolerance));
            stdout.println("oracle check " + (agrees ? "passed" : "FAILED") + " on " + bundle.device() + " ("
                    + Provenance.backend() + ")");
            if (out != null) {
                AtomicFiles.writeString(out, json(results, bundle.device(), agrees));
                stdout.println("results written to " + out);
            }
            stdout.flush();
            return agrees ? 0 : 1;
        }
    }

    /** {@code <s>} + prompt of the first {@link #prompts} test examples, as every decode of the suite builds them. */
    private List<int[]> prompts(ProjectTokenizer tokenizer, Task task) {
        List<TaskExample> all = TaskFixtures.load(fixtures, task, Split.TEST);
        List<int[]> out = new ArrayList<>();
        for (TaskExample e : all.subList(0, Math.min(prompts, all.size()))) {
            int[] encoded = tokenizer.encode(e.prompt());
            int[] ids = new int[encoded.length + 1];
            ids[0] = tokenizer.bosId();
            System.arraycopy(encoded, 0, ids, 1, encoded.length);
            out.add(ids);
        }
        return out;
    }

    /** The {@code --out} file: where it ran, the tolerance, the verdict, and each task's agreement. */
    @JsonPropertyOrder({"device", "backend", "tolerance", "agrees", "tasks"})
    record Report(String device, String backend, double tolerance, boolean agrees, List<TaskReport> tasks) {}

    /** One task's agreement in the {@code --out} file. */
    @JsonPropertyOrder({"task", "worstRelativeError", "prompts", "matchingPrompts", "firstMismatch"})
    record TaskReport(String task, double worstRelativeError, int prompts, int matchingPrompts, String firstMismatch) {}

    private String json(List<TaskAgreement> results, String device, boolean agrees) {
        return JsonBinding.write(new Report(device, Provenance.backend(), tolerance, agrees, results.stream()
                .map(r -> new TaskReport(r.task().id(), r.agreement().worstRelativeError(), r.agreement().prompts(),
                        r.agreement().matchingPrompts(), r.agreement().firstMismatch()))
                .toList()));
    }
}
