package org.pmpdrepro.pmpd;

import java.util.Map;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;

/**
 * Decides the weight precision of every decode step of a generation: PMPD's schedulers and the baselines of the
 * ablation that removes precision switching. Each is reproducible from {@link #parameters()} (plus, for the static
 * and learned schedulers, the committed file those name).
 */
public sealed interface Scheduler
        permits FixedScheduler, StaticScheduler, LearnedScheduler, RandomScheduler, ConfidenceScheduler {

    /** The name used on the command line and in the table, e.g. {@code static} or {@code none-high}. */
    String name();

    /** What reproduces this scheduler (switch point, seed, prior, weights file...), for result files. */
    Map<String, Object> parameters();

    /** The plan for prompts generating at most {@code maxNewTokens} tokens. */
    PrecisionPlan plan(int maxNewTokens);

    /** An adaptive plan has no answer without its session; {@link PrecisionPlan#start()} is the only entry. */
    abstract class Adaptive implements PrecisionPlan {
        @Override
        public final Precision prefill(int prompt) {
            throw new UnsupportedOperationException("an adaptive plan decides per generation; use start()");
        }

        @Override
        public final Precision decode(int prompt, int step) {
            throw new UnsupportedOperationException("an adaptive plan decides per generation; use start()");
        }
    }
}
