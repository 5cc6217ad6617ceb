package org.pmpdrepro.ablation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.Comparison;
import org.pmpdrepro.suite.Finding;
import org.pmpdrepro.suite.SuiteSession;

/**
 * What every ablation class runs: each of the ablation's cells in the committed grid is asserted on all four metrics
 * against its golden row; then each comparison's findings are measured and its arms' bands checked to keep
 * significant differences apart. A subclass names its ablation and is the class {@link Ablation#testClass()} names.
 *
 * <p>Select cells with {@code -Dpmpd.task}, {@code -Dpmpd.backbone}, {@code -Dpmpd.scheduler}, {@code -Dpmpd.pair},
 * {@code -Dpmpd.shard=i/n}; rewrite goldens with {@code -Dgolden.update=true} (refused when {@code CI} is set).
 *
 * <p>One instance per class, so that the method sources and the class callbacks can read the subclass's ablation.
 * The name matches neither {@code *Test} nor {@code *IT}: only the concrete classes are run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AblationSuite {

    private final Ablation ablation;

    AblationSuite(Ablation ablation) {
        // The suite's messages tell how to rerun a cell by this class's name; a mismatch would send users nowhere.
        if (!getClass().getSimpleName().equals(ablation.testClass())) {
            throw new IllegalStateException(getClass().getName() + " runs " + ablation + ", whose testClass() is '"
                    + ablation.testClass() + "'; expected the two to name the same class");
        }
        this.ablation = ablation;
    }

    @BeforeAll
    void openSession() {
        SuiteSession.shared(); // fails the class at once when update mode is asked for in CI
    }

    List<Cell> cells() {
        return SuiteSession.shared().cells(ablation);
    }

    List<Comparison> comparisons() {
        return SuiteSession.shared().comparisons(ablation);
    }

    @Order(1)
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("cells")
    void cellReproducesItsGoldenMetrics(Cell cell) {
        SuiteSession.shared().verify(cell).assertPassed();
    }

    @Order(2)
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("comparisons")
    void bandsSeparateArmsWhoseDifferenceIsSignificant(Comparison comparison) {
        SuiteSession.shared().compare(comparison).assertSeparated();
    }

    /**
     * Every comparison that ran has its findings, and the report gets them here, inside a test (Allure attaches only
     * to a running test, so the class's {@code @AfterAll} could not).
     */
    @Order(3)
    @Test
    @DisplayName("findings of every comparison, measured and reported")
    void findingsOfEveryComparisonAreReported() {
        List<Finding> findings = SuiteSession.shared().reportFindings(ablation);
        Set<Comparison> measured = findings.stream().map(Finding::comparison).collect(Collectors.toSet());
        List<Comparison> missing = comparisons().stream().filter(c -> !measured.contains(c)).toList();
        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + comparisons().size() + " comparisons of "
                + ablation.id() + " have no findings (a cell of theirs failed; see the tests before): " + missing);
    }

    @AfterAll
    void writeFindingsAndGoldens() {
        SuiteSession.shared().finish(ablation);
    }
}
