package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junitpioneer.jupiter.ClearSystemProperty;
import org.junitpioneer.jupiter.SetSystemProperty;
import org.pmpdrepro.data.Task;

class SuiteContainerAdapterTest {

    @Test
    void aSuiteCellBecomesTheJobCellOfTheSameNames() {
        assertThat(SuiteContainerAdapter.jobCell("A2", "debtrans", "any-precision", "3-2", "phase-aware-only"))
                .isEqualTo(new JobCell("A2", Task.DEBTRANS, "any-precision", new PrecisionPair(3, 2),
                        "phase-aware-only"));
    }

    @Test
    void aBadSuiteCellIsNamedWholeInTheError() {
        assertThatThrownBy(() -> SuiteContainerAdapter.jobCell("A1", "debsum", "rtn", "3:2", "none-high"))
                .hasMessageStartingWith("suite cell A1/debsum/rtn/3:2/none-high: ")
                .hasMessageContaining("HIGH-LOW");
    }

    @Test
    @ClearSystemProperty(key = SuiteContainerAdapter.RUNNER_PROPERTY)
    void theInProcessRunnerIsTheDefault() {
        assertThat(SuiteContainerAdapter.Runner.selected()).isEqualTo(SuiteContainerAdapter.Runner.IN_PROCESS);
    }

    @Test
    @SetSystemProperty(key = SuiteContainerAdapter.RUNNER_PROPERTY, value = "docker")
    void anUnknownRunnerNamesTheAcceptedValues() {
        assertThatThrownBy(SuiteContainerAdapter.Runner::selected).hasMessageContaining("-Dpmpd.runner=docker")
                .hasMessageContaining("in-process or container");
    }
}
