package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;

/** Builds schedulers by their command-line names from the committed search results, fits and weights. */
public final class Schedulers {

    /**
     * Every name {@link #create} accepts, in the table's row order: PMPD's two schedulers, the no-switching arms,
     * the arms matched to a schedule's bits, then the uncalibrated baselines of the public code.
     */
    public static final List<String> NAMES = List.of("none-high", "none-low", "phase-aware-only", "static", "learned",
            "matched-static", "matched-learned", "random-uniform-matched", "random-label-prior-matched",
            "confidence-matched", "none-matched", "random-uniform", "random-label-prior", "confidence");

    /** The matched-bits mixes and the schedule each takes its target bits from. */
    private static final Map<String, String> MATCHED_TO = Map.of("matched-static", "static", "matched-learned",
            "learned");

    /** The default seed of the random baselines. */
    public static final long DEFAULT_SEED = 20241017L;

    /**
     * @param staticDir the static searches' results, one directory per back-bone
     * @param learnedDir the learned scheduler's weights, one directory per back-bone
     * @param baselinesDir the bits-matched baselines' fits, one directory per back-bone
     * @param fisherFile the Fisher sensitivities that rank matrices for the matched-bits mixes
     * @param seed seed of the uncalibrated random baselines (the matched ones keep the seed they were fitted with)
     */
    public record Sources(Path staticDir, Path learnedDir, Path baselinesDir, Path fisherFile, long seed) {
        public static Sources defaults() {
            return new Sources(StaticStore.DEFAULT_DIR, LearnedStore.DEFAULT_DIR, BaselineStore.DEFAULT_DIR,
                    Path.of("fixtures", "quant", "anyprec", "fisher.safetensors"), DEFAULT_SEED);
        }
    }

    /**
     * What a scheduler is built for.
     *
     * @param pair the precisions the plan switches between on this back-bone
     * @param fittedFor the uniform pair the committed fits are filed under (HAQ's policies under a 4- and a 3-bit
     *     budget stand for {@code 4>3})
     * @param backbone whose fits are used: each back-bone decodes with schedules fitted on itself
     * @param matchedBits for the matched arms, the average bits the schedule they match measured (NaN otherwise)
     */
    public record Target(Task task, PrecisionPair pair, PrecisionPair fittedFor, String backbone,
            QuantizedModel model, double matchedBits) {
        public Target {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(pair, "pair");
            Objects.requireNonNull(fittedFor, "fittedFor");
            Objects.requireNonNull(backbone, "backbone");
        }

        /** A target whose pair is its own uniform pair. */
        public static Target of(Task task, PrecisionPair pair, String backbone, QuantizedModel model,
                double matchedBits) {
            return new Target(task, pair, pair, backbone, model, matchedBits);
        }
    }

    private Schedulers() {}

    /**
     * The scheduler whose measured average bits the arm {@code name} matches ({@code static} for
     * {@code matched-static}, {@code learned} for {@code matched-learned}); empty for every other arm.
     * {@code none-matched} matches whichever schedule its caller names.
     */
    public static Optional<String> matchedTo(String name) {
        return Optional.ofNullable(MATCHED_TO.get(name));
    }

    /**
     * The scheduler whose average bits the arm {@code name} matches: {@link #matchedTo}, or {@code noneMatchedTo} for
     * {@code none-matched}; empty for an arm that matches none.
     */
    public static Optional<String> matchSource(String name, String noneMatchedTo) {
        return name.equals("none-matched") ? Optional.of(noneMatchedTo) : matchedTo(name);
    }

    /** The scheduler {@code name} for {@code target}. */
    public static Scheduler create(String name, Target target, Sources sources) throws IOException {
        PrecisionPair pair = target.pair();
        PrecisionPair fitted = target.fittedFor();
        String backbone = target.backbone();
        return switch (name) {
            case "none-high" -> FixedScheduler.noneHigh(pair);
            case "none-low" -> FixedScheduler.noneLow(pair);
            case "phase-aware-only" -> FixedScheduler.phaseAwareOnly(pair);
            case "static" -> new StaticScheduler(pair,
                    StaticStore.chosen(sources.staticDir(), backbone, target.task(), fitted),
                    StaticStore.file(sources.staticDir(), backbone, target.task(), fitted).toString());
            case "learned" -> {
                LearnedStore.Saved saved = LearnedStore.load(sources.learnedDir(), backbone, fitted);
                yield new LearnedScheduler(pair, saved.classifier(), saved.weights().toString());
            }
            case "matched-static", "matched-learned" -> matched(name, target, sources);
            case "random-uniform-matched", "random-label-prior-matched", "confidence-matched" ->
                    BaselineStore.load(sources.baselinesDir(), backbone, target.task(), fitted, pair, name);
            case "none-matched" -> FixedScheduler.noneMatched(pair,
                    MatchedPrecision.nearest(target.model(), target.matchedBits()));
            case "random-uniform" -> RandomScheduler.uniform(pair, sources.seed());
            case "random-label-prior" -> RandomScheduler.labelPrior(pair,
                    LearnedStore.load(sources.learnedDir(), backbone, fitted).labelCounts(), sources.seed());
            case "confidence" -> ConfidenceScheduler.defaults(pair);
            default -> throw new IllegalArgumentException("scheduler '" + name + "': expected one of " + NAMES);
        };
    }

    /**
     * A fixed per-matrix mix of two uniform widths at the matched scheduler's measured bits: the pair's widths, or,
     * on a back-bone whose nominal widths are themselves mixed policies (Bit-Mixer at equal bytes, whose
     * {@code bit-mixer-4} mixes 4 and 5 bits), the two adjacent widths it serves that bracket the target.
     */
    private static Scheduler matched(String name, Target target, Sources sources) throws IOException {
        PrecisionPair pair = target.pair();
        int high = pair.high().uniformBits();
        int low = pair.low().uniformBits();
        QuantizedModel model = Objects.requireNonNull(target.model(), "a matched mix needs the quantized model");
        if (high < 1 || low < 1) {
            List<Integer> widths = new ArrayList<>(new TreeSet<>(model.bitWidths()));
            double bits = target.matchedBits();
            high = -1;
            for (int i = 0; i + 1 < widths.size(); i++) {
                if (widths.get(i) <= bits && bits <= widths.get(i + 1)) {
                    low = widths.get(i);
                    high = widths.get(i + 1);
                    break;
                }
            }
            if (high < 1) {
                throw new IllegalArgumentException(name + " mixes two uniform widths per matrix; back-bone "
                        + target.backbone() + " serves the pair as " + pair.high() + " and " + pair.low()
                        + " and uniform widths " + widths + ", none of two adjacent ones around " + bits
                        + " bits (use a back-bone with per-matrix widths: any-precision or bit-mixer)");
            }
        }
        FisherSensitivities fisher = FisherSensitivities.load(sources.fisherFile(), model.config());
        MatchedMix.Result mix = MatchedMix.match(model.config(), MatchedMix.rank(model, fisher, high, low), high,
                low, target.matchedBits());
        return FixedScheduler.matched(name, pair, mix, model.config());
    }
}
