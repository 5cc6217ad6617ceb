package org.pmpdrepro.decode;

/**
 * What a generation lets one watch: each prompt's last-layer cache after its prefill and the top probability of
 * every pass, both opt-in because they cost time. A {@link ScheduleSession} observes to decide precisions; code that
 * records what a decode saw (the learned scheduler's training features, the confidence baseline's calibration)
 * observes without deciding anything.
 */
public interface DecodeObserver {

    /** Whether {@link #afterPrefill} wants the cache (copying it off the device costs time, so it is opt-in). */
    default boolean observesCache() {
        return false;
    }

    /** Whether {@link #afterStep} wants top probabilities (a softmax per step, so it is opt-in). */
    default boolean observesConfidence() {
        return false;
    }

    /** The last decoder layer's keys and values of {@code prompt} after its prefill, padding removed. */
    default void afterPrefill(int prompt, LayerKv lastLayer) {}

    /**
     * The top softmax probability of the distribution the pass {@code step} produced its token from ({@code 0}: the
     * prefill, {@code s >= 1}: decode step {@code s}).
     */
    default void afterStep(int prompt, int step, double topProbability) {}
}
