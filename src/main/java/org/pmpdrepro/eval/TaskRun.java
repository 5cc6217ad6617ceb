package org.pmpdrepro.eval;

import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.Decoder;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * Greedy decoding of a task's examples, in the format the fixture model was trained on.
 *
 * <p>Prompt tokens are {@code [bos] + encode(prompt)}: training documents are {@code <s> prompt " " reference </s>},
 * so the model's continuation of the prompt is its reference. At most {@link Task#maxNewTokens()} tokens are
 * generated per example.
 *
 * <p><b>Post-processing</b> ({@link #postProcess}): the decoded continuation is stripped of leading and trailing
 * white space and cut at its first newline. References are single lines, while a model that misses the
 * end-of-sequence token runs on into a new line of invented text (typically a next {@code Package:} record); what
 * follows the first line is not an answer to the prompt.
 *
 * <p>A {@link PrecisionPlan} addresses prompts by their index in the example list given to {@link #run}.
 */
public final class TaskRun {

    /** The default number of prompts decoded together. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** {@link #postProcess}, in words, for result files. */
    public static final String POST_PROCESSING =
            "decoded continuation stripped of leading/trailing white space and cut at its first newline";

    private final Decoder decoder;
    private final ProjectTokenizer tokenizer;
    private final int batchSize;

    /** Decoding on DJL, {@code batchSize} prompts together. */
    public TaskRun(DjlLlama model, ProjectTokenizer tokenizer, int batchSize) {
        this(new GreedyDecoder(model, checkBatch(batchSize), tokenizer.padId()), tokenizer, batchSize);
    }

    /** Decoding on {@code decoder}; {@code batchSize} is recorded with the outputs (the decoder was built with it). */
    public TaskRun(Decoder decoder, ProjectTokenizer tokenizer, int batchSize) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.batchSize = checkBatch(batchSize);
    }

    private static int checkBatch(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
        }
        return batchSize;
    }

    /** A run over a bundle's model and tokenizer with the default batch size. */
    public static TaskRun of(ModelBundle bundle) {
        return of(bundle, DEFAULT_BATCH_SIZE);
    }

    public static TaskRun of(ModelBundle bundle, int batchSize) {
        return new TaskRun(bundle.model(), bundle.tokenizer(), batchSize);
    }

    public int batchSize() {
        return batchSize;
    }

    /** Decodes {@code examples} at full precision. */
    public TaskOutputs run(List<TaskExample> examples) {
        return run(examples, PrecisionPlan.fixed(Precision.FULL), "fixed " + Precision.FULL);
    }

    /**
     * Decodes {@code examples}, all of one task, with {@code plan}.
     *
     * @param planName how the plan is described in results
     * @throws IllegalArgumentException for an empty list, mixed tasks, or a prompt that does not fit the model's
     *     positions together with the task's new tokens
     */
    public TaskOutputs run(List<TaskExample> examples, PrecisionPlan plan, String planName) {
        return run(examples, List.of(plan), List.of(planName)).get(0);
    }

    /**
     * Decodes {@code examples}, all of one task, under each of {@code plans} (named by {@code planNames}), sharing
     * prefills between plans that prefill alike ({@link GreedyDecoder#generate(List, int, int, List)}); the outputs
     * of each plan are those it would give decoded alone.
     */
    public List<TaskOutputs> run(List<TaskExample> examples, List<PrecisionPlan> plans, List<String> planNames) {
        if (plans.size() != planNames.size()) {
            throw new IllegalArgumentException(plans.size() + " plans but " + planNames.size() + " names");
        }
        Task task = taskOf(examples);
        List<int[]> prompts = new ArrayList<>(examples.size());
        int limit = decoder.maxPositions();
        for (TaskExample e : examples) {
            int[] prompt = promptTokens(tokenizer, e.prompt());
            if (prompt.length + task.maxNewTokens() > limit) {
                throw new IllegalArgumentException("example " + e.id() + ": prompt of " + prompt.length
                        + " tokens plus " + task.maxNewTokens() + " new tokens exceeds the model's " + limit
                        + " positions");
            }
            prompts.add(prompt);
        }
        List<DecodeResult> results = decoder.generate(prompts, task.maxNewTokens(), tokenizer.eosId(), plans);
        List<TaskOutputs> out = new ArrayList<>();
        for (int p = 0; p < plans.size(); p++) {
            out.add(outputs(task, examples, results.get(p), planNames.get(p)));
        }
        return out;
    }

    private TaskOutputs outputs(Task task, List<TaskExample> examples, DecodeResult result, String planName) {
        List<SampleOutput> samples = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TaskExample e = examples.get(i);
            Generation g = result.generations().get(i);
            int[] ids = g.tokens();
            String raw = tokenizer.decode(ids);
            List<Integer> tokens = new ArrayList<>(ids.length);
            for (int id : ids) {
                tokens.add(id);
            }
            samples.add(new SampleOutput(e.id(), e.prompt(), e.reference(), postProcess(raw), raw, tokens,
                    g.trace().stream().map(Precision::label).toList(), g.stoppedAtEos()));
        }
        return new TaskOutputs(task, samples, planName, batchSize, result.device(), result.generatedTokens(),
                result.seconds(), result.tokensPerSecond(), result.averageBits());
    }

    /** The continuation metrics score: white space stripped at both ends, then cut at the first newline. */
    public static String postProcess(String decoded) {
        String s = decoded.strip();
        int newline = s.indexOf('\n');
        return newline < 0 ? s : s.substring(0, newline).strip();
    }

    static Task taskOf(List<TaskExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to decode");
        }
        Task task = examples.get(0).task();
        for (TaskExample e : examples) {
            if (e.task() != task) {
                throw new IllegalArgumentException("example " + e.id() + " belongs to task " + e.task().id()
                        + ", but the run decodes " + task.id() + " (example " + examples.get(0).id() + ")");
            }
        }
        return task;
    }

    /** A task prompt as the suite decodes it: the beginning-of-sequence token, then the prompt's tokens. */
    public static int[] promptTokens(ProjectTokenizer tokenizer, String prompt) {
        int[] encoded = tokenizer.encode(prompt);
        int[] tokens = new int[encoded.length + 1];
        tokens[0] = tokenizer.bosId();
        System.arraycopy(encoded, 0, tokens, 1, encoded.length);
        return tokens;
    }
}
