package org.pmpdrepro.decode;

/**
 * Where a {@link GreedyDecoder#generate} call spent its time: prefill passes against decode steps, and how much of the
 * prefill was padding.
 *
 * @param prefillSeconds wall time of every prefill pass (with placing its keys and values in the batch cache); a
 *     prefill shared by several plans ({@link GreedyDecoder#generate(java.util.List, int, int, java.util.List)})
 *     is charged to each in equal parts
 * @param decodeSeconds wall time of every decode step (with dropping finished rows)
 * @param promptTokens prompt tokens prefilled
 * @param paddedPromptTokens positions the prefill passes computed, padding included
 * @param decodeSteps decode forward passes (one per step of a batch, whatever its number of rows)
 * @param decodeRows rows computed over all decode steps (a generated token each)
 */
public record DecodeProfile(double prefillSeconds, double decodeSeconds, long promptTokens, long paddedPromptTokens,
        long decodeSteps, long decodeRows) {

    /** Collects a profile while decoding. */
    public static final class Builder {
        private long prefillNanos;
        private long decodeNanos;
        private long promptTokens;
        private long paddedPromptTokens;
        private long decodeSteps;
        private long decodeRows;

        public void prefill(long nanos) {
            prefillNanos += nanos;
        }

        public void promptTokens(long n) {
            promptTokens += n;
        }

        public void paddedPromptTokens(long n) {
            paddedPromptTokens += n;
        }

        /** Adds a prefill measured once for {@code sharers} runs: an equal part of its time, all of its tokens. */
        public void addPrefill(Builder shared, int sharers) {
            prefillNanos += shared.prefillNanos / sharers;
            promptTokens += shared.promptTokens;
            paddedPromptTokens += shared.paddedPromptTokens;
        }

        public void decodeStep(long nanos, int rows) {
            decodeNanos += nanos;
            decodeSteps++;
            decodeRows += rows;
        }

        public DecodeProfile build() {
            return new DecodeProfile(prefillNanos / 1e9, decodeNanos / 1e9, promptTokens, paddedPromptTokens,
                    decodeSteps, decodeRows);
        }
    }
}
