package org.pmpdrepro.container;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.pmpdrepro.report.FailureCategory;

/**
 * Whether the container tests run here. They run when the Docker engine answers and has what they start from.
 * When it does not, a missing engine is the machine's state, not a defect of the code under test: the tests are
 * skipped, except where the environment variable {@code CI} is set, because a CI run that silently stops testing
 * the container runner would pass while testing less. Either way the message starts with the report's
 * infrastructure prefix, so a missing engine is never filed as a product defect.
 *
 * @param action what the container tests do
 * @param message why; empty when they run
 */
record EngineVerdict(Action action, String message) {

    /** What happens to a container test. */
    enum Action {
        RUN,
        /** Aborted, as a JUnit assumption is: reported as skipped, with the message. */
        SKIP,
        /** Failed with the message (CI set). */
        FAIL
    }

    /** The environment variable that turns a missing engine from a skip into a failure. */
    static final String CI = "CI";

    /** Where the message says an engine comes from when nothing tried to bring one up. */
    static final String HOW_TO_GET_ONE = "run .ci/docker-up as root, or let Maven's verify do it (it runs"
            + " .ci/docker-try-up before the integration tests)";

    /**
     * @param missing what the engine lacks ("no Docker engine answers", the base image), empty when it has all
     * @param bringUp what {@code .ci/docker-try-up} reported before the tests, empty when it did not run
     * @param environment the process environment; only {@value #CI} is read
     */
    static EngineVerdict of(Optional<String> missing, Optional<String> bringUp, Map<String, String> environment) {
        if (missing.isEmpty()) {
            return new EngineVerdict(Action.RUN, "");
        }
        String why = missing.get() + bringUp.map(r -> "; before the tests, .ci/docker-try-up reported \"" + r + "\"")
                .orElse("; nothing tried to bring it up: " + HOW_TO_GET_ONE);
        boolean ci = !environment.getOrDefault(CI, "").isEmpty();
        return ci
                ? new EngineVerdict(Action.FAIL, FailureCategory.INFRASTRUCTURE.message(why
                        + ". CI is set, so the container tests fail instead of being skipped"))
                : new EngineVerdict(Action.SKIP, FailureCategory.INFRASTRUCTURE.message(why
                        + ". The container tests are skipped (with CI set they would fail)"));
    }

    /** Returns when the test may run; aborts it (skipped) or fails it otherwise, with {@link #message()}. */
    void enforce() {
        switch (action) {
            case RUN -> { }
            case SKIP -> Assumptions.abort(message);
            case FAIL -> throw new IllegalStateException(message);
        }
    }
}
