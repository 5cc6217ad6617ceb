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
        return switch (name) {
            case "none-high" -> FixedScheduler.noneHigh(pair);
            case "none-low" -> FixedScheduler.noneLow(pair);
            case "phase-aware-only" -> FixedScheduler.phaseAwareOnly(pair);
            case "static" -> new StaticScheduler(pair, StaticStore.chosen(sources.staticDir(), task, pair),
                    StaticStore.file(sources.staticDir(), task, pair).toString());
            case "learned" -> {
                LearnedStore.Saved saved = LearnedStore.load(sources.learnedDir(), pair);
                yield new LearnedScheduler(pair, saved.classifier(), saved.weights().toString());
            }
            case "none-matched" -> FixedScheduler.noneMatched(pair, MatchedPrecision.nearest(model, matchedBits));
            case "random-uniform" -> RandomScheduler.uniform(pair, sources.seed());
            case "random-label-prior" -> RandomScheduler.labelPrior(pair,
                    LearnedStore.load(sources.learnedDir(), pair).labelCounts(), sources.seed());
            case "confidence" -> ConfidenceScheduler.defaults(pair);
            default -> throw new IllegalArgumentException("scheduler '" + name + "': expected one of " + NAMES);
        };
    }
}
