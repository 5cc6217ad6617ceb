package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.quant.WeightTraffic;

/**
 * Fitting PMPD's schedulers on one quantized back-bone and filing the results: the static search per task and pair
 * (with the bits-matched baselines when asked), and the learned classifier per pair. Every file records the fit's
 * provenance and the files it read. The {@code schedule static-search} and {@code schedule train-learned} commands
 * parse their options, call these and print what each reports.
 */
public final class ScheduleFits {

    private ScheduleFits() {}

    /**
     * The precisions {@code pair} is decoded with on the session's back-bone, as the suite decodes it: the uniform
     * widths, or HAQ's policies under those budgets. The fits are filed under {@code pair}.
     */
    public static PrecisionPair served(QuantizedSession session, PrecisionPair pair) {
        return new PrecisionPair(WeightTraffic.precision(session.quantized(), pair.high().uniformBits()),
                WeightTraffic.precision(session.quantized(), pair.low().uniformBits()));
    }

    /** Where the bits-matched baselines are fitted from and filed: the label prior's cards, the output, the seed. */
    public record Baselines(Path learnedDir, Path out, long seed) {}

    /** One static search filed, and how long it took. */
    public record StaticFitted(Task task, PrecisionPair pair, StaticSearch.Outcome outcome, Path file,
            double seconds) {}

    /** The bits-matched baselines of one static search filed, and how long they took. */
    public record BaselinesFitted(Task task, PrecisionPair pair, BaselineCalibration.Fit fit, Path file,
            double seconds) {}

    /**
     * Searches the static switch point of every pair and task on the task's calibration split and files it under
     * {@code out}; with {@code baselines}, fits the random and confidence baselines to the chosen point's bits too.
     * {@code searched} hears of every search as it is filed, {@code matched} of its baselines after it.
     */
    public static void staticSearches(QuantizedSession session, Path fixtures, List<PrecisionPair> pairs,
            List<Task> tasks, StaticSearch.Config config, FittedFiles.Provenance provenance, Path out,
            Optional<Baselines> baselines, Consumer<StaticFitted> searched, Consumer<BaselinesFitted> matched)
            throws IOException {
        String backbone = session.runner().backbone();
        for (PrecisionPair p : pairs) {
            for (Task t : tasks) {
                long start = System.nanoTime();
                StaticSearch.Search search = StaticSearch.search(session.runner(),
                        TaskFixtures.load(fixtures, t, Split.CALIBRATION), served(session, p), p, config);
                FittedFiles.Input calibrationSplit = FittedFiles.Input.of(TaskFixtures.file(fixtures, t,
                        Split.CALIBRATION));
                Path f = StaticStore.save(out, search.outcome(), provenance, calibrationSplit);
                searched.accept(new StaticFitted(t, p, search.outcome(), f, (System.nanoTime() - start) / 1e9));
                if (baselines.isPresent()) {
                    Baselines b = baselines.get();
                    start = System.nanoTime();
                    LearnedStore.Saved learned = LearnedStore.load(b.learnedDir(), backbone, p);
                    BaselineCalibration.Fit fit = BaselineCalibration.fit(session.runner(), search,
                            learned.labelCounts(), b.seed());
                    Path bf = BaselineStore.save(b.out(), fit, provenance, calibrationSplit, FittedFiles.Input.of(f),
                            FittedFiles.Input.of(LearnedStore.card(b.learnedDir(), backbone, p)));
                    matched.accept(new BaselinesFitted(t, p, fit, bf, (System.nanoTime() - start) / 1e9));
                }
            }
        }
    }

    /**
     * What the learned classifier is trained on: the calibration text's prompts, and up to {@code taskPrompts}
     * calibration prompts of every task (0 for none).
     */
    public record LearnedInputs(Path calibrationText, LearnedData.Config data, int taskPrompts,
            ClassifierTrainer.Config training) {
        public LearnedInputs {
            if (taskPrompts < 0) {
                throw new IllegalArgumentException("--task-prompts " + taskPrompts + ": expected 0 or more");
            }
        }
    }

    /** One pair's classifier filed: its training data's size and label counts, the training result, the weights. */
    public record LearnedFitted(PrecisionPair pair, int examples, int[] labelCounts, ClassifierTrainer.Result result,
            Path weights) {}

    /**
     * Builds the training data of every pair (one pass of the model serves them all), trains each pair's classifier
     * and files it under {@code out} with its card. {@code each} hears of every pair as it is filed.
     */
    public static void learned(QuantizedSession session, Path fixtures, List<PrecisionPair> pairs,
            LearnedInputs inputs, FittedFiles.Provenance provenance, Path out, boolean validationFeatures,
            Consumer<LearnedFitted> each) throws IOException {
        String backbone = session.runner().backbone();
        List<LearnedData.Prompt> all = new ArrayList<>(LearnedData.prompts(inputs.calibrationText(),
                session.bundle().tokenizer(), inputs.data()));
        int texts = all.size();
        LinkedHashMap<String, FittedFiles.Input> splits = new LinkedHashMap<>();
        if (inputs.taskPrompts() > 0) {
            for (Task t : Task.values()) {
                List<TaskExample> ex = TaskFixtures.load(fixtures, t, Split.CALIBRATION);
                all.addAll(LearnedData.taskPrompts(ex.subList(0, Math.min(inputs.taskPrompts(), ex.size())),
                        session.bundle().tokenizer()));
                splits.put(t.id(), FittedFiles.Input.of(TaskFixtures.file(fixtures, t, Split.CALIBRATION)));
            }
        }
        List<PrecisionPair> served = pairs.stream().map(p -> served(session, p)).toList();
        Map<PrecisionPair, List<LabelledFeatures>> byServed = LearnedData.build(session.bundle().model(),
                session.bundle().tokenizer(), all, served, inputs.data().batchSize());
        int headDim = session.bundle().config().headDim();
        for (int i = 0; i < pairs.size(); i++) {
            PrecisionPair p = pairs.get(i);
            PrecisionPair sv = served.get(i);
            List<LabelledFeatures> data = byServed.get(sv);
            ClassifierTrainer.Result r = ClassifierTrainer.train(data, headDim, inputs.training());
            int[] counts = LearnedData.counts(data);
            LearnedStore.Data card = new LearnedStore.Data(texts, all.size() - texts,
                    inputs.data().maxPromptTokens(), inputs.data().newTokens(), "the task's max new tokens",
                    "smallest switch point whose Rouge-L against the full-precision continuation, rounded to 3"
                            + " decimals, reaches never switching's",
                    Arrays.stream(counts).boxed().toList(),
                    sv.equals(p) ? null : sv.high().label() + ">" + sv.low().label());
            LearnedStore.save(out, backbone, p, r, inputs.training(), new LearnedStore.Sources(provenance,
                    FittedFiles.Input.of(inputs.calibrationText()), splits, card), validationFeatures);
            each.accept(new LearnedFitted(p, data.size(), counts, r, LearnedStore.weights(out, backbone, p)));
        }
    }
}
