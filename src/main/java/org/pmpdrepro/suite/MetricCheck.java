package org.pmpdrepro.suite;

import java.util.Objects;
import java.util.Optional;

/**
 * One metric of one cell held against its golden row.
 *
 * @param golden the row compared with; empty when there is none
 * @param message why it failed, naming metric, value, band and golden row; empty when it passed
 */
public record MetricCheck(String metric, double actual, Status status, Optional<GoldenFile.Located> golden,
        String message) {

    /** How a metric fared. */
    public enum Status {
        /** Inside its band. */
        PASSED,
        /** Outside its band. */
        OUT_OF_BAND,
        /** No golden row exists for it. */
        MISSING_GOLDEN,
        /** The golden row was made from a different number of prompts, so the values are not comparable. */
        SAMPLE_MISMATCH,
        /** Recorded by update mode; compared with nothing. */
        UPDATED
    }

    public MetricCheck {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(golden, "golden");
        Objects.requireNonNull(message, "message");
    }

    public boolean passed() {
        return status == Status.PASSED || status == Status.UPDATED;
    }
}
