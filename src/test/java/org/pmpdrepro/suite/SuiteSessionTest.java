package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.InputFormatException;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.NonFiniteLogitsException;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;

/** The suite's golden, update and findings behaviour on a fake runner: no model, milliseconds per cell. */
class SuiteSessionTest {

    static final Ablation A1 = Ablation.REMOVE_PRECISION_SWITCHING;
    static final BitWidthPair PAIR = new BitWidthPair(4, 3);
    static final Map<String, Double> QUALITY = Map.of("none-high", 0.9, "none-low", 0.3, "phase-aware-only", 0.5,
            "static", 0.85);

    @TempDir
    Path dir;

    static Cell a1(String scheduler) {
        return new Cell(A1, Task.DEBSUM, "any-precision", PAIR, scheduler);
    }

    static Grid grid() {
        List<Cell> cells = new ArrayList<>();
        for (String s : List.of("static", "none-high", "none-low", "phase-aware-only")) {
            cells.add(a1(s));
        }
        cells.add(new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "gptq", PAIR, "static"));
        return new Grid(cells);
    }

    /** A session on {@code dir/goldens.csv}; a checking session gets a header-only golden file when none exists. */
    SuiteSession session(boolean update, FakeCellRunner runner) {
        Path goldens = dir.resolve("goldens.csv");
        if (!update && !Files.exists(goldens)) {
            try {
                GoldenFile.empty(goldens).write();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new SuiteSession(new SuiteSession.Config(grid(), CellSelection.all(), dir.resolve("goldens.csv"), update,
                dir.resolve("findings"), BandPolicy.standard(), new PairedBootstrap.Config(200, 7L)), runner,
                CellReporter.NONE);
    }

    static FakeCellRunner runner(double variantShift) {
        return new FakeCellRunner(40, QUALITY, Set.of("any-precision"), variantShift);
    }

    /** Runs every wired A1 cell in update mode and finishes the ablation, as the test class does. */
    SuiteSession updated(double variantShift) {
        SuiteSession s = session(true, runner(variantShift));
        s.cells(A1).forEach(s::verify);
        s.comparisons(A1).forEach(s::compare);
        s.finish(A1);
        return s;
    }

    @Test
    void updateModeWritesEveryMetricOfEveryCellThatRanAndTheNextRunPasses() {
        updated(0);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        assertThat(g.size()).isEqualTo(4 * SuiteMetrics.ALL.size());
        assertThat(g.rows()).allSatisfy(l -> {
            assertThat(l.row().source()).isEqualTo(GoldenRow.Source.RUN);
            assertThat(l.row().samples()).isEqualTo(40);
            assertThat(l.row().modelSha256()).isEqualTo("model-sha");
        });
        SuiteSession check = session(false, runner(0));
        assertThat(check.cells(A1)).allSatisfy(c -> assertThat(check.verify(c).passed()).as(c.id()).isTrue());
    }

    @Test
    void aPerturbedGoldenValueFailsExactlyItsCellNamingMetricValueBandAndRow() throws Exception {
        updated(0);
        Path file = dir.resolve("goldens.csv");
        GoldenFile g = GoldenFile.read(file);
        GoldenRow victim = g.find(a1("none-low").id(), "bleu").orElseThrow().row();
        GoldenRow perturbed = new GoldenRow(victim.ablation(), victim.cell(), victim.metric(),
                victim.expected() + 0.05, victim.absTolerance(), victim.relTolerance(), victim.spread(),
                victim.standardError(), victim.source(), victim.device(), victim.backend(), victim.modelSha256(),
                victim.fixturesSha256(), victim.commit(), victim.date(), victim.samples());
        long line = g.withRows(List.of(perturbed)).write().find(victim.cell(), "bleu").orElseThrow().line();

        SuiteSession check = session(false, runner(0));
        List<CellVerdict> verdicts = check.cells(A1).stream().map(check::verify).toList();
        assertThat(verdicts).filteredOn(v -> !v.passed()).extracting(CellVerdict::cell).containsExactly(a1("none-low"));
        CellVerdict failed = verdicts.stream().filter(v -> !v.passed()).findFirst().orElseThrow();
        assertThat(failed.failures()).extracting(MetricCheck::metric).containsExactly("bleu");
        assertThatThrownBy(failed::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("debsum · any-precision · 4>3 · none-low")
                .hasMessageContaining("bleu = ").hasMessageContaining("outside its band")
                .hasMessageContaining(String.format(java.util.Locale.ROOT, "%.6g ±", perturbed.expected()))
                .hasMessageContaining("goldens.csv:" + line);
    }

    @Test
    void aGoldenPathThatDoesNotExistFailsTheCheckingSessionNamingThePath() {
        SuiteSession.Config config = new SuiteSession.Config(grid(), CellSelection.all(), dir.resolve("goldns.csv"),
                false, dir.resolve("findings"), BandPolicy.standard(), new PairedBootstrap.Config(200, 7L));
        assertThatThrownBy(() -> new SuiteSession(config, runner(0), CellReporter.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(dir.resolve("goldns.csv").toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aMissingGoldenRowFailsTheCellSayingHowToCreateIt() {
        SuiteSession check = session(false, runner(0));
        CellVerdict v = check.verify(a1("static"));
        assertThat(v.failures()).hasSize(SuiteMetrics.ALL.size())
                .allMatch(c -> c.status() == MetricCheck.Status.MISSING_GOLDEN);
        assertThatThrownBy(v::assertPassed).hasMessageContaining("no golden row")
                .hasMessageContaining("a1/debsum/any-precision/4>3/static").hasMessageContaining("-Dgolden.update=true")
                .hasMessageContaining("-Dit.test=RemovePrecisionSwitchingTest");
    }

    @Test
    void aGoldenMadeFromAnotherSampleCountIsNotComparedButExplained() {
        updated(0);
        SuiteSession check = session(false, new FakeCellRunner(20, QUALITY, Set.of("any-precision"), 0));
        assertThatThrownBy(() -> check.verify(a1("static")).assertPassed()).hasMessageContaining("40 prompts")
                .hasMessageContaining("scored 20");
    }

    @Test
    void aCellWhoseBackboneIsNotWiredFailsNamingIt() {
        SuiteSession s = session(false, runner(0));
        Cell gptq = s.cells(Ablation.REPLACE_PTQ_METHOD).get(0);
        assertThatThrownBy(() -> s.verify(gptq)).hasRootCauseInstanceOf(NotImplementedException.class)
                .hasMessageStartingWith("infrastructure error: " + gptq.displayName())
                .hasMessageContaining("not implemented: gptq");
    }

    /** An update-mode session whose every cell fails with {@code failure}. */
    SuiteSession failingWith(RuntimeException failure) {
        FakeCellRunner fake = runner(0);
        CellRunner failing = new CellRunner() {
            @Override
            public CellOutcome run(Cell cell) {
                throw failure;
            }

            @Override
            public Variant runVariant(Cell cell) {
                return fake.runVariant(cell);
            }

            @Override
            public RunEnvironment environment() {
                return fake.environment();
            }
        };
        return new SuiteSession(new SuiteSession.Config(grid(), CellSelection.all(), dir.resolve("goldens.csv"), true,
                dir.resolve("findings"), BandPolicy.standard(), new PairedBootstrap.Config(200, 7L)), failing,
                CellReporter.NONE);
    }

    @Test
    void aDecodeWhoseLogitsTurnNonFiniteIsFiledAsADecoderCrash() {
        SuiteSession s = failingWith(new NonFiniteLogitsException("the logits of batch row 0 are non-finite"));
        assertThatThrownBy(() -> s.verify(a1("static"))).hasRootCauseInstanceOf(NonFiniteLogitsException.class)
                .satisfies(e -> assertThat(FailureCategory.of(e.getMessage())).hasValue(FailureCategory.DECODER_CRASH))
                .hasMessageContaining("are non-finite");
    }

    @Test
    void aMalformedFixtureFileIsFiledAsAnInfrastructureError() {
        SuiteSession s = failingWith(new InputFormatException("fixtures/tasks/debsum/test.jsonl", 2, "not JSON"));
        assertThatThrownBy(() -> s.verify(a1("static"))).hasRootCauseInstanceOf(InputFormatException.class)
                .satisfies(e -> assertThat(FailureCategory.of(e.getMessage())).hasValue(FailureCategory.INFRASTRUCTURE))
                .hasMessageContaining("test.jsonl:2: not JSON");
    }

    @Test
    void updateModeIsNeverTheDefaultAndIsRefusedInCi() {
        assertThat(GoldenUpdate.requested(null, Map.of())).isFalse();
        assertThat(GoldenUpdate.requested("true", Map.of())).isTrue();
        assertThatThrownBy(() -> GoldenUpdate.requested("true", Map.of("CI", "true")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused");
        assertThat(GoldenUpdate.requested("false", Map.of("CI", "true"))).isFalse();
    }

    @Test
    void theUpdateDiffListsEveryChangedValue() throws Exception {
        updated(0);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        GoldenRow r = g.find(a1("static").id(), "rougeL").orElseThrow().row();
        GoldenRow moved = new GoldenRow(r.ablation(), r.cell(), r.metric(), r.expected() + 0.01, r.absTolerance(),
                r.relTolerance(), r.spread(), r.standardError(), r.source(), r.device(), r.backend(), r.modelSha256(),
                r.fixturesSha256(), r.commit(), r.date(), r.samples());
        List<String> diff = GoldenUpdate.diff(g, List.of(moved, r));
        assertThat(diff).hasSize(2);
        assertThat(diff.get(0)).startsWith("~ a1/debsum/any-precision/4>3/static rougeL").contains("Δ +0.0100");
        assertThat(diff.get(1)).isEqualTo("1 of 2 rewritten rows unchanged");
    }

    @Test
    void anUpdateDropsTheRowsOfItsAblationsCellsTheGridNoLongerHasAndKeepsTheOtherAblations() throws Exception {
        updated(0);
        Path file = dir.resolve("goldens.csv");
        GoldenRow r = GoldenFile.read(file).find(a1("static").id(), "rougeL").orElseThrow().row();
        GoldenRow gone = new GoldenRow(r.ablation(), a1("none-matched").id(), r.metric(), r.expected(),
                r.absTolerance(), r.relTolerance(), r.spread(), r.standardError(), r.source(), r.device(),
                r.backend(), r.modelSha256(), r.fixturesSha256(), r.commit(), r.date(), r.samples());
        String a2Cell = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "haq", PAIR, "static").id();
        GoldenRow otherAblation = new GoldenRow(Ablation.REPLACE_PTQ_METHOD.id(), a2Cell, r.metric(), r.expected(),
                r.absTolerance(), r.relTolerance(), r.spread(), r.standardError(), r.source(), r.device(),
                r.backend(), r.modelSha256(), r.fixturesSha256(), r.commit(), r.date(), r.samples());
        GoldenFile.read(file).withRows(List.of(gone, otherAblation)).write();

        updated(0);

        GoldenFile g = GoldenFile.read(file);
        assertThat(g.find(a1("none-matched").id(), "rougeL")).as("an A1 arm the grid dropped").isEmpty();
        assertThat(g.find(a2Cell, "rougeL")).as("A2's rows are not the A1 update's to drop").isPresent();
        assertThat(g.find(a1("static").id(), "rougeL")).isPresent();
    }

    @Test
    void derivedBandsKeepEverySignificantDifferenceApart() {
        SuiteSession s = updated(0);
        List<ComparisonVerdict> verdicts = s.comparisons(A1).stream().map(s::compare).toList();
        assertThat(verdicts).isNotEmpty().allMatch(ComparisonVerdict::separated);
        assertThat(verdicts).flatExtracting(ComparisonVerdict::findings).anyMatch(Finding::significant);
        SuiteSession check = session(false, runner(0));
        assertThat(check.comparisons(A1)).allSatisfy(c -> assertThat(check.compare(c).separated()).isTrue());
    }

    @Test
    void aBandWideEnoughToAcceptBothArmsFailsTheSeparationCheck() throws Exception {
        updated(0);
        Path file = dir.resolve("goldens.csv");
        GoldenFile g = GoldenFile.read(file);
        GoldenRow r = g.find(a1("none-low").id(), "rougeL").orElseThrow().row();
        g.withRows(List.of(new GoldenRow(r.ablation(), r.cell(), r.metric(), r.expected(), 1.0, 0, r.spread(),
                r.standardError(), r.source(), r.device(), r.backend(), r.modelSha256(), r.fixturesSha256(),
                r.commit(), r.date(), r.samples()))).write();
        SuiteSession check = session(false, runner(0));
        Comparison premise = check.comparisons(A1).stream()
                .filter(c -> c.baseline().scheduler().equals("none-low") && c.system().scheduler().equals("none-high"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> check.compare(premise).assertSeparated()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("rougeL: difference").hasMessageContaining("bands overlap");
    }

    @Test
    void numericalSpreadWidensTheBandToThreeTimesIt() {
        updated(0.05);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        assertThat(g.rows()).anySatisfy(l -> assertThat(l.row().spread()).isPositive());
        assertThat(g.rows()).allSatisfy(l -> assertThat(l.row().absTolerance())
                .isGreaterThanOrEqualTo(3 * l.row().spread()));
    }

    @Test
    void aCellIsDecodedOnceHoweverOftenItIsAskedFor() {
        FakeCellRunner r = runner(0);
        SuiteSession s = session(false, r);
        s.verify(a1("static"));
        s.verify(a1("static"));
        s.compare(s.comparisons(A1).get(0));
        assertThat(r.runs).isEqualTo(2); // static, and the comparison's other arm
    }

    @Test
    void theRunnerIsToldAnAblationsSelectedCellsBeforeAnyOfThemRuns() {
        FakeCellRunner r = runner(0);
        SuiteSession s = session(false, r);
        List<Cell> cells = s.cells(A1);
        assertThat(r.planned).containsExactlyElementsOf(cells).hasSize(4);
        assertThat(r.runs).isZero();
    }

    @Test
    void findingsAreWrittenWithTheirIntervalAndAgreementWithThePaper() throws Exception {
        updated(0);
        Path csv = dir.resolve("findings").resolve("a1-findings.csv");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo(String.join(",", FindingsCsv.HEADER));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("any-precision static", "any-precision none-low",
                "rougeL", ",higher,yes,"));
    }
}
