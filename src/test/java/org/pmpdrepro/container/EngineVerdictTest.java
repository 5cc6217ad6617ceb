package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.pmpdrepro.container.EngineVerdict.Action;
import org.pmpdrepro.report.AllureCategories;
import org.pmpdrepro.report.FailureCategory;

/** When the container tests run, are skipped or fail, with the environment given instead of read. */
@Tag("unit")
class EngineVerdictTest {

    static final Optional<String> NO_ENGINE = Optional.of("no Docker engine answers");
    static final Optional<String> NOT_ROOT = Optional.of("not brought up: this build does not run as root");
    static final Map<String, String> LOCAL = Map.of("HOME", "/home/someone");
    static final Map<String, String> CI = Map.of("CI", "true");

    @Test
    void anEngineThatHasEverythingRunsTheTestsWithOrWithoutCi() {
        for (Map<String, String> env : List.of(LOCAL, CI)) {
            EngineVerdict verdict = EngineVerdict.of(Optional.empty(), Optional.of("ready: nothing to do"), env);
            assertThat(verdict.action()).isEqualTo(Action.RUN);
            assertThatCode(verdict::enforce).doesNotThrowAnyException();
        }
    }

    @Test
    void withoutAnEngineOutsideCiTheTestIsAbortedAsAnAssumptionWithTheReason() {
        EngineVerdict verdict = EngineVerdict.of(NO_ENGINE, NOT_ROOT, LOCAL);
        assertThat(verdict.action()).isEqualTo(Action.SKIP);
        assertThat(verdict.message()).isEqualTo("infrastructure error: no Docker engine answers; before the tests,"
                + " .ci/docker-try-up reported \"not brought up: this build does not run as root\". The container"
                + " tests are skipped (with CI set they would fail)");
        assertThatThrownBy(verdict::enforce).isInstanceOf(TestAbortedException.class).hasMessage(verdict.message());
    }

    @Test
    void withoutAnEngineInCiTheTestFailsWithTheReason() {
        EngineVerdict verdict = EngineVerdict.of(NO_ENGINE, NOT_ROOT, CI);
        assertThat(verdict.action()).isEqualTo(Action.FAIL);
        assertThat(verdict.message()).startsWith("infrastructure error: no Docker engine answers; before the tests,"
                + " .ci/docker-try-up reported \"not brought up: this build does not run as root\".")
                .endsWith("CI is set, so the container tests fail instead of being skipped");
        assertThatThrownBy(verdict::enforce).isInstanceOf(IllegalStateException.class).hasMessage(verdict.message())
                .isNotInstanceOf(TestAbortedException.class);
    }

    @Test
    void anEmptyCiVariableCountsAsUnset() {
        assertThat(EngineVerdict.of(NO_ENGINE, NOT_ROOT, Map.of("CI", "")).action()).isEqualTo(Action.SKIP);
    }

    @Test
    void aMissingBaseImageIsJudgedAsAMissingEngineIs() {
        Optional<String> noBase = Optional.of("the Docker engine has no base image pmpd-base:trixie-jre25");
        assertThat(EngineVerdict.of(noBase, NOT_ROOT, LOCAL).message())
                .startsWith("infrastructure error: the Docker engine has no base image pmpd-base:trixie-jre25;");
        assertThat(EngineVerdict.of(noBase, NOT_ROOT, CI).action()).isEqualTo(Action.FAIL);
    }

    @Test
    void whenNothingTriedToBringAnEngineUpTheMessageSaysHowToGetOne() {
        assertThat(EngineVerdict.of(NO_ENGINE, Optional.empty(), LOCAL).message())
                .contains("no Docker engine answers; nothing tried to bring it up: run .ci/docker-up as root");
    }

    /** The report files both as an infrastructure error: never as a product defect. */
    @Test
    void theReportFilesTheSkipAndTheFailureAsInfrastructureErrors() {
        String infrastructure = FailureCategory.INFRASTRUCTURE.displayName();
        String skip = EngineVerdict.of(NO_ENGINE, NOT_ROOT, LOCAL).message();
        assertThat(AllureCategories.filing(skip, "skipped")).containsExactly(infrastructure);
        String failure = EngineVerdict.of(NO_ENGINE, NOT_ROOT, CI).message();
        // Allure calls a test that threw something other than an assertion error broken; the report's message
        // starts with the exception's class name.
        for (String message : List.of(failure, IllegalStateException.class.getName() + ": " + failure)) {
            assertThat(AllureCategories.filing(message, "broken")).as(message).containsExactly(infrastructure);
            assertThat(AllureCategories.filing(message, "failed")).as(message).containsExactly(infrastructure);
        }
        assertThat(FailureCategory.of(failure)).contains(FailureCategory.INFRASTRUCTURE);
    }
}
