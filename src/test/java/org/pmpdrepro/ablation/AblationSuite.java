package org.pmpdrepro.ablation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.ClaimCheck;
import org.pmpdrepro.suite.ClaimInstance;
import org.pmpdrepro.suite.SuiteSession;

/**
 * What every ablation class runs: each of the ablation's cells in the committed grid is held against its golden
 * (identical outputs on the golden's configuration, paired differences within the measured tolerance on any other);
 * then each pre-registered claim instance whose arms ran is evaluated and held against its expected verdict; then
 * the ablation's findings are concluded and reported. A subclass names its ablation and is the class
 * {@link Ablation#testClass()} names.
 *
 * <p>Select cells with {@code -Dpmpd.task}, {@code -Dpmpd.backbone}, {@code -Dpmpd.scheduler}, {@code -Dpmpd.pair},
 * {@code -Dpmpd.ablation}, {@code -Dpmpd.shard=i/n}; a selection that matches no cell of the class fails, listing the
 * valid values. Rewrite goldens and expected verdicts with {@code -Dgolden.update=true} (refused when {@code CI} is
 * set).
 *
 * <p>The run's {@link SuiteSession} comes from {@link SuiteExtension}, which reads the settings once and closes the
 * session when the run ends. The tests do not depend on their order: a claim or the findings ask the session for the
 * outcomes of the cells they compare, which decodes whatever has not been decoded yet (and the report then shows
 * that work in the test that did it), and a cell's own test reuses an outcome computed before. {@code
 * ClaimsSessionTest} asks a session in seven orders (findings first, claims first, shuffled) and gets the same
 * verdicts, claims, findings and files. The classes still run cells, then claims, then findings, only so that the
 * report reads that way: each decode appears in the first cell that needs it rather than in the findings test.
 *
 * <p>One instance per class, so that the method sources and the class callbacks can read the subclass's ablation.
 * The name matches neither {@code *Test} nor {@code *IT}: only the concrete classes are run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SuiteExtension.class)
@Tag("slow")
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
    void openSession(SuiteSession session) { // opening fails the class at once when update mode is asked for in CI
        // -Dpmpd.ablation naming only the other ablation leaves this class out on purpose: skipped, saying why.
        Assumptions.assumeFalse(session.excluded(ablation), () -> "-Dpmpd.ablation leaves " + ablation.id()
                + " out of this run (" + session.config().selection().describe() + ")");
        // The runner hears of every selected cell before any test asks for one, so that siblings decode together
        // in whatever order the tests run. A selection that matches no cell fails the cells' test, which asks again.
        try {
            session.cells(ablation);
        } catch (IllegalArgumentException matchesNoCell) {
            // reported by cellReproducesItsGolden
        }
    }

    /** The selected cells; a selection that matches none fails the test, listing every selector's valid values. */
    List<Cell> cells(SuiteSession session) {
        return session.cells(ablation);
    }

    List<ClaimInstance> claims(SuiteSession session) {
        return session.claims(ablation);
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void cellReproducesItsGolden(Cell cell, SuiteSession session) {
        session.verify(cell).assertPassed();
    }

    /**
     * One test per claim instance whose arms are selected. A claim that cannot be decided in this run (its arm is
     * not in the grid, or a partial selection holds too little of its Holm family) is skipped with the reason; a
     * verdict that differs from the committed one fails, naming the claim, task, pair, interval and margin.
     */
    @Order(2)
    // A selection may hold cells without holding both arms of any claim (one scheduler, say): then none runs here.
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("claims")
    void claimKeepsItsExpectedVerdict(ClaimInstance claim, SuiteSession session) {
        ClaimCheck check = session.checkClaim(claim);
        Assumptions.assumeTrue(check.decidable(), check::message);
        check.assertHolds();
    }

    /**
     * Every comparison that ran has its findings (Holm over the headline family, agreement with the paper), and the
     * report gets them with the claims page here, inside a test (Allure attaches only to a running test, so the
     * class's {@code @AfterAll} could not).
     */
    @Order(3)
    @Test
    @DisplayName("findings and claims of the ablation, concluded and reported")
    void findingsOfEveryComparisonAreReported(SuiteSession session) {
        SuiteSession.Conclusions c = session.conclude(ablation);
        assertTrue(c.failed().isEmpty(), () -> c.failed().size() + " comparisons or claims of " + ablation.id()
                + " could not be measured (a cell of theirs failed; see that cell's test): " + c.failed());
    }

    @AfterAll
    void writeFindingsAndGoldens(SuiteSession session) {
        if (!session.excluded(ablation)) {
            session.finish(ablation);
        }
    }
}
