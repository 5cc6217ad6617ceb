package org.pmpdrepro.suite;

/**
 * A cell runner other than the in-process one, found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.pmpdrepro.suite.CellRunnerProvider}) and chosen by name with
 * {@code -Dpmpd.runner=NAME}. The container runner registers itself this way from the test sources, which is
 * where Testcontainers is on the class path.
 */
public interface CellRunnerProvider {

    /** The name {@code -Dpmpd.runner} selects it by ({@code container}). */
    String name();

    /** A runner for the cells of {@code registry}, decoding as {@code settings} say. */
    CellRunner open(SuiteRegistry registry, SuiteSettings settings);
}
