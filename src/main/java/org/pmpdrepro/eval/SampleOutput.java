package org.pmpdrepro.eval;

import java.util.List;
import java.util.Objects;

/**
 * One example's decoded output.
 *
 * @param id the fixture example's id
 * @param prompt the prompt text the model continued
 * @param reference the example's dataset reference (for debchat the human continuation)
 * @param output the continuation after {@link TaskRun#postProcess post-processing}: what metrics score
 * @param rawOutput the decoded continuation before post-processing
 * @param tokens generated token ids, end-of-sequence excluded
 * @param trace precision label of the pass that produced each generated token (first entry: the prefill)
 * @param stoppedAtEos whether generation ended on end-of-sequence rather than the token limit
 */
public record SampleOutput(String id, String prompt, String reference, String output, String rawOutput,
        List<Integer> tokens, List<String> trace, boolean stoppedAtEos) {

    public SampleOutput {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(rawOutput, "rawOutput");
        tokens = List.copyOf(tokens);
        trace = List.copyOf(trace);
    }
}
