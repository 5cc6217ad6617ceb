package org.pmpdrepro.suite;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Where a report (Allure) hooks into the suite. Every method is called on the test's own thread while the test
 * runs, so a reporter can attach to the current test. The suite finds one through {@link ServiceLoader}
 * ({@code META-INF/services/org.pmpdrepro.suite.CellReporter}); without one nothing is reported.
 */
public interface CellReporter {

    /** Reports nothing. */
    CellReporter NONE = new CellReporter() {};

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
    static CellReporter load() {
        return ServiceLoader.load(CellReporter.class).findFirst().orElse(NONE);
    }
}
