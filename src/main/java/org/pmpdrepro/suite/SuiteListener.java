package org.pmpdrepro.suite;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a report (Allure) hooks into the suite. Every method is called on the test's own thread while the test
 * runs, so a reporter can attach to the current test. The suite finds one through {@link ServiceLoader}
 * ({@code META-INF/services/org.pmpdrepro.suite.SuiteListener}); without one nothing is reported.
 */
public interface SuiteListener {

    /** Reports nothing. */
    SuiteListener NONE = new SuiteListener() {};

    /**
     * Runs one phase of a cell's work ({@link Phases}) as it happens: a report opens a step named {@code name} before
     * {@code body} and closes it after, renamed by {@code named} from the body's value. The body's exceptions pass
     * through unchanged. By default it just runs the body.
     */
    default <T> T phase(String name, Supplier<T> body, Function<? super T, String> named) {
        return body.get();
    }

    /**
     * The evidence of a cell's comparison with its golden (the quantities against their golden values, changed
     * prompts, samples, precision traces, per-sample scores), called inside the comparison's phase so that a report
     * attaches it to that step; in update mode, where nothing is compared, just before {@link #cellChecked}.
     */
    default void cellCompared(CellVerdict verdict) {}

    /** A cell ran and was held against its golden (its verdict may be a failure). */
    default void cellChecked(CellVerdict verdict) {}

    /** A cell could not run at all ({@link NotImplementedException}, a decoder crash, ...). */
    default void cellFailed(Cell cell, Throwable error) {}

    /** A claim instance was evaluated and held against its expected verdict. */
    default void claimChecked(ClaimCheck check) {}

    /**
     * The concluded findings and the claims of an ablation, reported from the ablation's findings test (after its
     * cells and claims, before the class ends) so that a report can attach them to that test.
     */
    default void ablationFindings(Ablation ablation, List<Finding> findings, List<ClaimResult> claims) {}

    /** The first reporter registered as a service, or {@link #NONE}. */
    static SuiteListener load() {
        return ServiceLoader.load(SuiteListener.class).findFirst().orElse(NONE);
    }
}
