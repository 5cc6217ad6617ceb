package org.pmpdrepro.report;

import java.util.Objects;

/** One decoded sample as a reader checks it: what went in, what came out, what it was scored against. */
public record SampleText(String sample, String prompt, String output, String reference) {

    public SampleText {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(prompt, () -> "prompt of sample " + sample);
        Objects.requireNonNull(output, () -> "output of sample " + sample);
        Objects.requireNonNull(reference, () -> "reference of sample " + sample);
    }
}
