package org.pmpdrepro.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Systems that need no model, scored like a model to show where the metrics' floor and easy ceiling lie: a model
 * that does not beat {@code random-other} has learnt nothing example-specific, one that does not beat
 * {@code lead} or {@code echo} has learnt nothing beyond copying.
 */
public final class TrivialBaselines {

    private static final Logger LOG = LoggerFactory.getLogger(TrivialBaselines.class);

    /** The seed of {@link #randomOther} in {@link #forTask}. */
    public static final long DEFAULT_SEED = 20241017L;

    private TrivialBaselines() {}

    /**
     * The baselines of a task: debsum {@code lead} and {@code random-other}; debtrans {@code echo} and
     * {@code random-other}; debchat {@code echo} (the first sentence repeated) and {@code random-other}.
     * {@code random-other} is left out (with a warning) when it cannot exist (see {@link #randomOther}).
     */
    public static List<BaselineOutputs> forTask(List<TaskExample> examples, long seed) {
        Task task = TaskRun.taskOf(examples);
        List<BaselineOutputs> out = new ArrayList<>();
        out.add(switch (task) {
            case DEBSUM -> lead(examples);
            case DEBTRANS, DEBCHAT -> echo(examples);
        });
        if (derangeable(examples)) {
            out.add(randomOther(examples, seed));
        } else {
            LOG.warn("{}: random-other left out: among {} example(s) one reference text fills more than half",
                    task.id(), examples.size());
        }
        return List.copyOf(out);
    }

    /** Whether no reference text is shared by more than half the examples: exactly when random-other exists. */
    private static boolean derangeable(List<TaskExample> examples) {
        Map<String, Integer> counts = new HashMap<>();
        examples.forEach(e -> counts.merge(e.reference(), 1, Integer::sum));
        return examples.size() >= 2 && counts.values().stream().allMatch(c -> 2 * c <= examples.size());
    }

    /**
     * Each example answered with another example's reference, by a derangement drawn with {@code seed}: a random
     * single-cycle permutation (Sattolo's algorithm), then, where two examples share a reference text, swaps that
     * make every output differ from the example's own reference. Such an assignment exists exactly when no text is
     * the reference of more than half the examples, and the swaps always find it then: an example still holding its
     * own text {@code t} can trade with one of the at least {@code n - 2c + 1} other examples that neither have nor
     * hold {@code t} ({@code c} = examples with reference {@code t}), and a trade never undoes an earlier one.
     *
     * @throws IllegalArgumentException when one reference text belongs to more than half the examples
     */
    public static BaselineOutputs randomOther(List<TaskExample> examples, long seed) {
        int n = examples.size();
        List<String> refs = examples.stream().map(TaskExample::reference).toList();
        if (!derangeable(examples)) {
            throw new IllegalArgumentException("random-other needs every reference text to belong to at most half"
                    + " of the examples (and two examples at least); got " + n + " examples with "
                    + refs.stream().distinct().count() + " distinct references");
        }
        int[] from = new int[n];
        for (int i = 0; i < n; i++) {
            from[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = from[i];
            from[i] = from[j];
            from[j] = t;
        }
        for (int i = 0; i < n; i++) {
            if (refs.get(from[i]).equals(refs.get(i))) {
                swapWithCompatible(from, refs, i);
            }
        }
        List<String> outputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outputs.add(refs.get(from[i]));
        }
        return baseline(examples, "random-other", "the reference of another example of the same list (seeded"
                + " derangement, seed " + seed + ")", outputs);
    }

    /** Swaps {@code from[i]} with the first {@code from[j]} that leaves neither position with its own text. */
    private static void swapWithCompatible(int[] from, List<String> refs, int i) {
        for (int j = 0; j < from.length; j++) {
            if (j != i && !refs.get(from[j]).equals(refs.get(i)) && !refs.get(from[i]).equals(refs.get(j))) {
                int t = from[i];
                from[i] = from[j];
                from[j] = t;
                return;
            }
        }
        throw new IllegalStateException("no example can give its reference to example " + i);
    }

    /**
     * The description's first sentence: the source up to and including the first {@code ". "}'s period, or the
     * whole source when it has none (abbreviations such as "e.g. " end the sentence early; kept simple).
     */
    public static BaselineOutputs lead(List<TaskExample> examples) {
        return baseline(examples, "lead", "the source up to its first \". \" (first sentence)",
                mapSources(examples, TrivialBaselines::firstSentence));
    }

    /** The source unchanged: the French text for debtrans, the first sentence for debchat. */
    public static BaselineOutputs echo(List<TaskExample> examples) {
        return baseline(examples, "echo", "the source text unchanged", mapSources(examples, Function.identity()));
    }

    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text.strip() : text.substring(0, end + 1).strip();
    }

    private static List<String> mapSources(List<TaskExample> examples, Function<String, String> f) {
        return examples.stream().map(e -> f.apply(e.source())).toList();
    }

    private static BaselineOutputs baseline(List<TaskExample> examples, String name, String description,
            List<String> outputs) {
        Task task = TaskRun.taskOf(examples);
        return new BaselineOutputs(task, name, description, examples.stream().map(TaskExample::id).toList(), outputs,
                examples.stream().map(TaskExample::reference).toList());
    }
}
