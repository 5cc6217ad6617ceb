package org.pmpdrepro.decode;

/**
 * The precision decisions of one call of {@link GreedyDecoder#generate}: a plan's per-generation state.
 *
 * <p>Adaptive schedules decide from what the decode has produced so far. For every prompt, in this order: the
 * decoder asks {@link #prefill}; runs the prefill (which yields the first generated token); hands the prompt's
 * last-layer KV cache to {@link #afterPrefill} when {@link #observesCache()}; reports the top probability of the
 * prefill's distribution as step 0 to {@link #afterStep} when {@link #observesConfidence()}; then for each decode
 * step {@code s >= 1} asks {@link #decode} and reports that step's top probability as step {@code s}. So the first
 * decision ({@code decode(prompt, 1)}) is taken after the prefill and the first token, as in the paper's code.
 *
 * <p>Prompts are addressed by their index in the list given to the decoder; batching never changes what a session
 * sees for one prompt (apart from floating-point noise of batched arithmetic), and the calls for one prompt come in
 * the order above. Sessions are used by one decoder thread.
 */
public interface ScheduleSession extends DecodeObserver {

    /** Precision of the prefill of {@code prompt}. */
    Precision prefill(int prompt);

    /** Precision of decode step {@code step >= 1} of {@code prompt}. */
    Precision decode(int prompt, int step);
}
