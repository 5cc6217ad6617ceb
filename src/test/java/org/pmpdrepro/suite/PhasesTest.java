package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.metrics.MetricResult;

/** The suite tells its listener of each phase while the phase runs, so a report's steps carry real durations. */
@Tag("unit")
class PhasesTest {

    /** What a listener saw: each phase with the instants it opened and closed, and the cells checked. */
    static final class Recording implements SuiteListener {
        record Seen(String name, String finalName, long openedNanos, long closedNanos, Thread thread) {
            double seconds() {
                return (closedNanos - openedNanos) / 1e9;
            }
        }

        final List<Seen> phases = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public <T> T phase(String name, Supplier<T> body, Function<? super T, String> named) {
            events.add("open " + name);
            long opened = System.nanoTime();
            T value = body.get();
            long closed = System.nanoTime();
            String finalName = named.apply(value);
            phases.add(new Seen(name, finalName, opened, closed, Thread.currentThread()));
            events.add("close " + finalName);
            return value;
        }

        @Override
        public void cellChecked(CellVerdict verdict) {
            events.add("checked " + verdict.outcome().cell().scheduler());
        }
    }

    /** A fake runner whose decode is a phase that takes {@code millis}. */
    record SlowRunner(FakeCellRunner inner, long millis) implements CellRunner {
        @Override
        public CellOutcome run(Cell cell) {
            return Phases.run("decode: " + cell.scheduler(), () -> {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return inner.run(cell);
            });
        }

        @Override
        public Variant runVariant(Cell cell, SuiteSettings.Numerics numerics) {
            return inner.runVariant(cell, numerics);
        }

        @Override
        public List<MetricResult> score(CellOutcome outcome, List<String> hypotheses) {
            return inner.score(outcome, hypotheses);
        }

        @Override
        public RunEnvironment environment() {
            return inner.environment();
        }

        @Override
        public DecodeConfiguration configuration() {
            return inner.configuration();
        }
    }

    @TempDir
    Path dir;

    SuiteSession session(CellRunner runner, SuiteListener listener) throws IOException {
        Path goldens = dir.resolve("goldens.csv");
        GoldenFile.empty(goldens).write();
        return new SuiteSession(SuiteSessionTest.config(goldens, false, dir.resolve("findings"),
                ConfigurationGrid.none(), false), runner, listener);
    }

    static FakeCellRunner fake() {
        return new FakeCellRunner(8, Map.of("static", 0.9), Set.of("any-precision"), 0);
    }

    @Test
    void aCellsPhasesOpenBeforeAndCloseAfterTheirWorkOnTheTestThreadAndComparingIsOneToo() throws IOException {
        Recording listener = new Recording();
        SuiteSession s = session(new SlowRunner(fake(), 60), listener);

        s.verify(SuiteSessionTest.a1("static"));

        assertThat(listener.events).hasSize(5);
        assertThat(listener.events.subList(0, 3)).containsExactly("open decode: static", "close decode: static",
                "open compare with golden");
        assertThat(listener.events.get(3)).startsWith("close compare with golden").isNotEqualTo(
                "close compare with golden");
        assertThat(listener.events.get(4)).isEqualTo("checked static");
        assertThat(listener.phases.get(0).seconds()).as("the decode phase lasts as long as its work")
                .isGreaterThanOrEqualTo(0.055);
        assertThat(listener.phases).allSatisfy(p -> assertThat(p.thread()).isSameAs(Thread.currentThread()));
    }

    @Test
    void aCellWhoseDecodeWasDoneBeforeRunsNoDecodePhaseAgain() throws IOException {
        Recording listener = new Recording();
        SuiteSession s = session(new SlowRunner(fake(), 1), listener);
        s.verify(SuiteSessionTest.a1("static"));
        listener.events.clear();

        s.verify(SuiteSessionTest.a1("static"));

        assertThat(listener.events).noneMatch(e -> e.startsWith("open decode"));
    }

    @Test
    void phasesOutsideASessionCallRunUnreportedAndAFailingPhasePassesItsExceptionOn() {
        Recording listener = new Recording();
        assertThat(Phases.run("alone", () -> 7)).isEqualTo(7);
        assertThat(listener.events).isEmpty();

        assertThatThrownBy(() -> Phases.listening(listener, () -> Phases.run("breaks", () -> {
            throw new IllegalStateException("broken decoder");
        }))).isInstanceOf(IllegalStateException.class).hasMessage("broken decoder");
        assertThat(listener.events).containsExactly("open breaks");
        assertThat(Phases.run("alone again", () -> 8)).as("the listener is gone after the call").isEqualTo(8);
        assertThat(listener.events).hasSize(1);
    }
}
