package org.pmpdrepro.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's headline run: every task's examples decoded at full precision, scored with all metrics, next to
 * the trivial baselines. The full-precision model is scored against the dataset references; for debchat that is
 * the human continuation, because against the full-precision output (the paper's MT-Bench protocol, used for
 * quantized runs) the full-precision run would score 1 by definition.
 */
public final class Reproduction {

    private static final Logger LOG = LoggerFactory.getLogger(Reproduction.class);

    /**
     * @param fixturesDir the task fixtures (with {@code manifest.json})
     * @param limit at most this many examples per task, from the start of the split; 0 for all
     * @param baselineSeed seed of the {@code random-other} baseline
     */
    public record Settings(Path fixturesDir, Split split, int limit, int batchSize, TaskScorer.Config scorer,
            long baselineSeed) {

        public Settings {
            Objects.requireNonNull(fixturesDir, "fixturesDir");
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(scorer, "scorer");
            if (limit < 0) {
                throw new IllegalArgumentException("limit " + limit + ": expected 0 (all) or a positive count");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
            }
        }

        /** The committed test split, all of it, batch 32, every metric. */
        public static Settings defaults() {
            return new Settings(TaskFixtures.DEFAULT_DIR, Split.TEST, 0, TaskRun.DEFAULT_BATCH_SIZE,
                    TaskScorer.Config.defaults(), TrivialBaselines.DEFAULT_SEED);
        }

        public Settings withFixturesDir(Path dir) {
            return new Settings(dir, split, limit, batchSize, scorer, baselineSeed);
        }

        public Settings withSplit(Split s) {
            return new Settings(fixturesDir, s, limit, batchSize, scorer, baselineSeed);
        }

        public Settings withLimit(int n) {
            return new Settings(fixturesDir, split, n, batchSize, scorer, baselineSeed);
        }

        public Settings withBatchSize(int n) {
            return new Settings(fixturesDir, split, limit, n, scorer, baselineSeed);
        }

        public Settings withScorer(TaskScorer.Config c) {
            return new Settings(fixturesDir, split, limit, batchSize, c, baselineSeed);
        }

        /** The examples of {@code task} these settings select. */
        public List<TaskExample> examples(Task task) {
            List<TaskExample> all = TaskFixtures.load(fixturesDir, task, split);
            return limit == 0 || limit >= all.size() ? all : all.subList(0, limit);
        }
    }

    private Reproduction() {}

    /** Every task, in {@link Task} order. */
    public static List<TaskResult> run(ModelBundle bundle, Settings settings) {
        List<TaskResult> results = new ArrayList<>();
        Progress progress = Progress.of(LOG, "reproduce", Task.values().length, "tasks");
        for (Task task : Task.values()) {
            results.add(evaluate(bundle, task, settings, true));
            progress.advance(1, () -> task.id() + " decoded and scored");
        }
        return results;
    }

    /** One task: decode at full precision, score against the dataset references, optionally with baselines. */
    public static TaskResult evaluate(ModelBundle bundle, Task task, Settings settings, boolean withBaselines) {
        List<TaskExample> examples = settings.examples(task);
        LOG.info("{}: decoding {} {} examples on {}", task.id(), examples.size(), settings.split().id(),
                bundle.device());
        TaskOutputs outputs = TaskRun.of(bundle, settings.batchSize()).run(examples);
        LOG.info("{}: {} tokens in {} s ({} tokens/s); scoring", task.id(), outputs.generatedTokens(),
                String.format(java.util.Locale.ROOT, "%.1f", outputs.seconds()),
                String.format(java.util.Locale.ROOT, "%.1f", outputs.tokensPerSecond()));
        TaskScorer scorer = new TaskScorer(settings.scorer());
        References references = References.dataset(outputs);
        TaskScores scores = scorer.score(outputs, references);
        List<BaselineResult> baselines = new ArrayList<>();
        if (withBaselines) {
            for (BaselineOutputs b : TrivialBaselines.forTask(examples, settings.baselineSeed())) {
                baselines.add(new BaselineResult(b, scorer.score(b)));
            }
        }
        return new TaskResult(settings.split(), outputs, references, scores, baselines);
    }
}
