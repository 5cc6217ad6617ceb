package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CellRunnersTest {

    static final SuiteSettings SETTINGS = SuiteSettings.defaults();

    /** A provider that hands out a fake runner and remembers what it was opened with. */
    static final class Named implements CellRunnerProvider {
        final String name;
        SuiteSettings openedWith;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CellRunner open(SuiteRegistry registry, SuiteSettings settings) {
            openedWith = settings;
            return new FakeCellRunner(1, Map.of(), Set.of(), 0);
        }
    }

    @Test
    void theInProcessRunnerNeedsNoProvider() {
        try (CellRunner r = CellRunners.open(" In-Process ", SuiteRegistry.defaults(), SETTINGS, List.of())) {
            assertThat(r).isInstanceOf(FixtureCellRunner.class);
        }
    }

    @Test
    void aRegisteredRunnerIsChosenByNameWithTheSuiteSettings() {
        Named container = new Named("container");
        CellRunner r = CellRunners.open("container", SuiteRegistry.defaults(), SETTINGS,
                List.of(new Named("other"), container));
        assertThat(r).isInstanceOf(FakeCellRunner.class);
        assertThat(container.openedWith).isSameAs(SETTINGS);
    }

    @Test
    void theContainerRunnerUnregisteredSaysWhereItLivesAndWhatElseToChoose() {
        assertThatThrownBy(() -> CellRunners.open("container", SuiteRegistry.defaults(), SETTINGS, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dpmpd.runner=container: no container runner is registered")
                .hasMessageContaining("META-INF/services/org.pmpdrepro.suite.CellRunnerProvider")
                .hasMessageContaining("-Dpmpd.runner=in-process");
    }

    @Test
    void anUnknownRunnerNamesEveryAcceptedValue() {
        assertThatThrownBy(() -> CellRunners.open("docker", SuiteRegistry.defaults(), SETTINGS,
                List.of(new Named("remote"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dpmpd.runner=docker: expected one of in-process, container, remote");
    }
}
