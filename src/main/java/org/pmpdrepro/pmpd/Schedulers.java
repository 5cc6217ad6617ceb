package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.quant.QuantizedModel;

/** Builds schedulers by their command-line names from the committed search results and weights. */
public final class Schedulers {

    /** Every name {@link #create} accepts, in the table's row order. */
    public static final List<String> NAMES = List.of("none-high", "none-low", "phase-aware-only", "static", "learned",
            "none-matched", "random-uniform", "random-label-prior", "confidence");

    /** The default seed of the random baselines. */
    public static final long DEFAULT_SEED = 20241017L;

    /**
     * @param staticDir the static searches' results
     * @param learnedDir the learned scheduler's weights
     * @param seed seed of the random baselines
     */
    public record Sources(Path staticDir, Path learnedDir, long seed) {
        public static Sources defaults() {
            return new Sources(StaticStore.DEFAULT_DIR, LearnedStore.DEFAULT_DIR, DEFAULT_SEED);
        }
    }

    private Schedulers() {}

    /**
     * The scheduler {@code name} for {@code task} and {@code pair}; {@code none-matched} needs {@code matchedBits},
     * the average bit-width a PMPD run reached (NaN otherwise).
     */
    public static Scheduler create(String name, Task task, PrecisionPair pair, Sources sources, QuantizedModel model,
            double matchedBits) throws IOException {
        return create(name, task, pair, pair, sources, model, matchedBits);
    }

    /**
     * As {@link #create(String, Task, PrecisionPair, Sources, QuantizedModel, double)}, for a back-bone whose pair
     * is served by other precisions than the uniform widths the schedules were fitted for (HAQ's policies under a
     * 4- and a 3-bit budget stand for {@code 4>3}): the committed search and classifier are looked up by
     * {@code fittedFor}, the plan switches between {@code pair}'s precisions. This is the ablation's "same PMPD
     * schedules on another back-bone".
     */
    public static Scheduler create(String name, Task task, PrecisionPair pair, PrecisionPair fittedFor,
            Sources sources, QuantizedModel model, double matchedBits) throws IOException {
        return switch (name) {
            case "none-high" -> FixedScheduler.noneHigh(pair);
            case "none-low" -> FixedScheduler.noneLow(pair);
            case "phase-aware-only" -> FixedScheduler.phaseAwareOnly(pair);
            case "static" -> new StaticScheduler(pair, StaticStore.chosen(sources.staticDir(), task, fittedFor),
                    StaticStore.file(sources.staticDir(), task, fittedFor).toString());
            case "learned" -> {
                LearnedStore.Saved saved = LearnedStore.load(sources.learnedDir(), fittedFor);
                yield new LearnedScheduler(pair, saved.classifier(), saved.weights().toString());
            }
            case "none-matched" -> FixedScheduler.noneMatched(pair, MatchedPrecision.nearest(model, matchedBits));
            case "random-uniform" -> RandomScheduler.uniform(pair, sources.seed());
            case "random-label-prior" -> RandomScheduler.labelPrior(pair,
                    LearnedStore.load(sources.learnedDir(), fittedFor).labelCounts(), sources.seed());
            case "confidence" -> ConfidenceScheduler.defaults(pair);
            default -> throw new IllegalArgumentException("scheduler '" + name + "': expected one of " + NAMES);
        };
    }
}
