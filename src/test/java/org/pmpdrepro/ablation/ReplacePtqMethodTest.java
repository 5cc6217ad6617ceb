package org.pmpdrepro.ablation;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.Comparison;
import org.pmpdrepro.suite.SuiteSession;

/**
 * Any-Precision against GPTQ, HAQ and Bit-Mixer, each driving the same PMPD schedules. Every cell of the committed grid is asserted on all four metrics against its golden row; then every
 * comparison's findings are measured and its arms' bands checked to keep significant differences apart.
 *
 * <p>Select cells with {@code -Dpmpd.task}, {@code -Dpmpd.backbone}, {@code -Dpmpd.scheduler}, {@code -Dpmpd.pair},
 * {@code -Dpmpd.shard=i/n}; rewrite goldens with {@code -Dgolden.update=true} (refused when {@code CI} is set).
 */
@DisplayName("A2 · replace the PTQ method")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplacePtqMethodTest {

    static final Ablation ABLATION = Ablation.REPLACE_PTQ_METHOD;

    @BeforeAll
    static void openSession() {
        SuiteSession.shared(); // fails the class at once when update mode is asked for in CI
    }

    static List<Cell> cells() {
        return SuiteSession.shared().cells(ABLATION);
    }

    static List<Comparison> comparisons() {
        return SuiteSession.shared().comparisons(ABLATION);
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

    @AfterAll
    static void writeFindingsAndGoldens() {
        SuiteSession.shared().finish(ABLATION);
    }
}
