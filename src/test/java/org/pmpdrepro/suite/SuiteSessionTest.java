package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.InputFormatException;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.NonFiniteLogitsException;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;

/** The suite's golden, update and cross-configuration behaviour on a fake runner: no model, milliseconds per cell. */
@Tag("unit")
class SuiteSessionTest {

    static final Ablation A1 = Ablation.REMOVE_PRECISION_SWITCHING;
    static final BitWidthPair PAIR = new BitWidthPair(4, 3);
    static final Map<String, Double> QUALITY = Map.of("none-high", 0.9, "none-low", 0.3, "phase-aware-only", 0.5,
            "static", 0.85);
    static final PairedBootstrap.Config BOOTSTRAP = new PairedBootstrap.Config(1000, 7L);

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

    static SuiteSession.Config config(Path goldens, boolean update, Path findings, ConfigurationGrid configurations,
            boolean record) {
        return new SuiteSession.Config(grid(), CellSelection.all(), goldens, update, findings, BOOTSTRAP,
                ClaimsFile.read(ClaimsFile.DEFAULT_FILE), configurations, record);
    }

    /** A session on {@code dir/goldens.csv}; a checking session gets a header-only golden file when none exists. */
    SuiteSession session(boolean update, FakeCellRunner runner) {
        return session(update, runner, ConfigurationGrid.parse("threads:2").withDecodesPerTask(0), false);
    }

    SuiteSession session(boolean update, FakeCellRunner runner, ConfigurationGrid configurations, boolean record) {
        Path goldens = dir.resolve("goldens.csv");
        if (!update && !Files.exists(goldens)) {
            try {
                GoldenFile.empty(goldens).write();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new SuiteSession(config(goldens, update, dir.resolve("findings"), configurations, record), runner,
                SuiteListener.NONE);
    }

    static FakeCellRunner runner(double variantShift) {
        return new FakeCellRunner(40, QUALITY, Set.of("any-precision"), variantShift);
    }

    /** Runs every wired A1 cell in update mode and finishes the ablation, as the test class does. */
    SuiteSession updated(double variantShift) {
        SuiteSession s = session(true, runner(variantShift));
        s.cells(A1).forEach(s::verify);
        s.finish(A1);
        return s;
    }

    /** A checking session whose every A1 cell has been verified; the verdicts in cell order. */
    List<CellVerdict> checked(FakeCellRunner runner) {
        SuiteSession check = session(false, runner);
        return check.cells(A1).stream().map(check::verify).toList();
    }

    @Test
    void updateModeWritesEachCellsRowAndOutputsAndTheNextRunOnTheSameConfigurationPassesWithIdenticalOutputs() {
        updated(0);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        assertThat(g.size()).isEqualTo(4);
        assertThat(g.rows()).allSatisfy(l -> {
            assertThat(l.row().samples()).isEqualTo(40);
            assertThat(l.row().modelSha256()).isEqualTo("model-sha");
            assertThat(l.row().averageBits()).isEqualTo(3.5);
            assertThat(l.row().bytesPerToken()).isEqualTo(1000);
            assertThat(l.row().configuration()).isEqualTo(runner(0).configuration());
            assertThat(GoldenOutputs.read(l.outputsFile()).size()).isEqualTo(40);
        });
        assertThat(dir.resolve("outputs").resolve("a1-debsum-any-precision-4-3-static.jsonl.gz")).exists();
        assertThat(checked(runner(0))).allSatisfy(v -> {
            assertThat(v.basis()).isEqualTo(CellVerdict.Basis.REFERENCE);
            assertThat(v.changed()).isEmpty();
            assertThat(v.passed()).as(v.cell().id()).isTrue();
        });
    }

    @Test
    void aReplacedPromptInTheGoldenOutputsFailsExactlyItsCellNamingThePromptAndThePairedDifference()
            throws Exception {
        updated(0);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        Path outputs = g.find(a1("none-low").id()).orElseThrow().outputsFile();
        GoldenOutputs before = GoldenOutputs.read(outputs);
        List<GoldenOutputs.Prompt> edited = new ArrayList<>(before.prompts());
        GoldenOutputs.Prompt victim = edited.get(5);
        edited.set(5, new GoldenOutputs.Prompt(victim.id(), "0000000000000000", "a golden text nobody decoded"));
        new GoldenOutputs(edited).write(outputs);

        List<CellVerdict> verdicts = checked(runner(0));

        assertThat(verdicts).filteredOn(v -> !v.passed()).extracting(CellVerdict::cell)
                .containsExactly(a1("none-low"));
        CellVerdict failed = verdicts.stream().filter(v -> !v.passed()).findFirst().orElseThrow();
        assertThat(failed.changed()).extracting(PromptDiff::id).containsExactly("s5");
        assertThatThrownBy(failed::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(FailureCategory.OUTPUTS_CHANGED.prefix())
                .hasMessageContaining("debsum · any-precision · 4>3 · none-low")
                .hasMessageContaining("1 of 40 prompts differ")
                .hasMessageContaining("s5: golden «a golden text nobody decoded» → new «")
                .hasMessageContaining("paired difference new − golden on the same 40 prompts (95% CI): rougeL")
                .hasMessageContaining("sacrebleu")
                .hasMessageContaining("goldens.csv:");
    }

    @Test
    void aChangedDecodeFailsItsCellOnTheReferenceConfigurationEvenWhenItsMeanCouldHide() {
        updated(0);
        FakeCellRunner changed = runner(0);
        changed.regression.put("phase-aware-only", 1.0 / 40);
        List<CellVerdict> verdicts = checked(changed);
        assertThat(verdicts).filteredOn(v -> !v.passed()).extracting(CellVerdict::cell)
                .containsExactly(a1("phase-aware-only"));
        CellVerdict v = verdicts.stream().filter(x -> !x.passed()).findFirst().orElseThrow();
        assertThat(v.changed()).hasSize(1);
        assertThat(v.failures()).extracting(MetricCheck::quantity).contains("rougeL");
        assertThat(v.failureMessage()).contains("rougeL = ").contains("equal to within 1e-09");
    }

    @Test
    void averageBitsAndBytesPerTokenAreHeldExactlyOnTheReferenceConfiguration() throws Exception {
        updated(0);
        Path file = dir.resolve("goldens.csv");
        GoldenFile g = GoldenFile.read(file);
        GoldenRow r = g.find(a1("static").id()).orElseThrow().row();
        GoldenRow moved = new GoldenRow(r.ablation(), r.cell(), r.samples(), r.outputs(), r.referencesSha256(),
                r.averageBits() + 1e-9, r.bytesPerToken(), r.residentBytes(), r.metrics(), r.configuration(),
                r.modelSha256(), r.fixturesSha256(), r.commit(), r.date());
        g.withRows(List.of(moved)).write();
        CellVerdict v = checked(runner(0)).get(0);
        assertThat(v.cell()).isEqualTo(a1("static"));
        assertThat(v.passed()).isFalse();
        assertThat(v.changed()).isEmpty();
        assertThat(v.failures()).extracting(MetricCheck::quantity).containsExactly("average_bits");
    }

    @Test
    void onAnotherConfigurationIdenticalOutputsPassOnTheCrossConfigurationPath() {
        updated(0);
        FakeCellRunner other = runner(0);
        other.configuration = other.configuration.with(2, 17);
        assertThat(checked(other)).allSatisfy(v -> {
            assertThat(v.basis()).isEqualTo(CellVerdict.Basis.CROSS_CONFIGURATION);
            assertThat(v.note()).contains("threads: 1 -> 2").contains("batch: 32 -> 17");
            assertThat(v.passed()).as(v.cell().id()).isTrue();
        });
    }

    @Test
    void updateModeMeasuresTheGridsSpreadAndAMoveWithinItPassesElsewhereWhileOneBeyondItFails() {
        // Each variant of the grid garbles 2 of 40 prompts: the measured spread.
        updated(2.0 / 40);
        ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(dir.resolve(ConfigurationSpread.FILE_NAME));
        assertThat(spread.rows()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.configuration().intraOpThreads()).isEqualTo(2);
            assertThat(r.reference().intraOpThreads()).isEqualTo(1);
        });
        assertThat(spread.rows()).filteredOn(r -> r.quantity().equals("rougeL"))
                .allSatisfy(r -> assertThat(r.changedPrompts()).isEqualTo(2));
        double tolerance = spread.tolerance(Task.DEBSUM, "rougeL").orElseThrow().value();
        assertThat(tolerance).isPositive();

        FakeCellRunner within = runner(0);
        within.configuration = within.configuration.with(2, 32);
        within.regression.put("none-low", 1.0 / 40);
        assertThat(checked(within)).allSatisfy(v -> assertThat(v.passed()).as(v.failureMessage()).isTrue());

        FakeCellRunner beyond = runner(0);
        beyond.configuration = beyond.configuration.with(2, 32);
        beyond.regression.put("none-low", 12.0 / 40);
        List<CellVerdict> verdicts = checked(beyond);
        assertThat(verdicts).filteredOn(v -> !v.passed()).extracting(CellVerdict::cell)
                .containsExactly(a1("none-low"));
        assertThat(verdicts.stream().filter(v -> !v.passed()).findFirst().orElseThrow().failureMessage())
                .startsWith(FailureCategory.OUT_OF_TOLERANCE.prefix()).contains("12 of 40 prompts changed")
                .contains("rougeL: paired difference new − golden").contains("reaches outside ±")
                .contains("configuration-spread.csv");
    }

    @Test
    void withoutMeasuredSpreadAMovedMetricFailsOnAnotherConfigurationSayingHowToMeasureIt() {
        SuiteSession s = session(true, runner(0), ConfigurationGrid.none(), false);
        s.cells(A1).forEach(s::verify);
        s.finish(A1);
        FakeCellRunner other = runner(0);
        other.configuration = other.configuration.with(2, 32);
        other.regression.put("static", 1.0 / 40);
        CellVerdict v = checked(other).get(0);
        assertThat(v.passed()).isFalse();
        assertThat(v.failureMessage()).contains("no configuration spread is recorded for task debsum");
    }

    @Test
    void aCheckingRunOnAnotherConfigurationCanAddWhatItMeasuredToTheSpread() {
        updated(0);
        FakeCellRunner other = runner(0);
        other.configuration = other.configuration.withRunner("container", "fake 1");
        other.regression.put("static", 1.0 / 40);
        SuiteSession s = session(false, other, ConfigurationGrid.none(), true);
        s.cells(A1).forEach(s::verify);
        s.finish(A1);
        ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(dir.resolve(ConfigurationSpread.FILE_NAME));
        assertThat(spread.rows()).filteredOn(r -> r.configuration().runner().equals("container")
                && r.cell().equals(a1("static").id()) && r.quantity().equals("rougeL"))
                .singleElement().satisfies(r -> {
                    assertThat(r.changedPrompts()).isEqualTo(1);
                    assertThat(r.ciLower()).isLessThan(0);
                });
    }

    @Test
    void aGoldenPathThatDoesNotExistFailsTheCheckingSessionNamingThePath() {
        SuiteSession.Config c = config(dir.resolve("goldns.csv"), false, dir.resolve("findings"),
                ConfigurationGrid.none(), false);
        assertThatThrownBy(() -> new SuiteSession(c, runner(0), SuiteListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(dir.resolve("goldns.csv").toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aMissingGoldenRowFailsTheCellSayingHowToCreateIt() {
        CellVerdict v = session(false, runner(0)).verify(a1("static"));
        assertThat(v.basis()).isEqualTo(CellVerdict.Basis.MISSING_GOLDEN);
        assertThatThrownBy(v::assertPassed).hasMessageStartingWith(FailureCategory.MISSING_GOLDEN.prefix())
                .hasMessageContaining("no golden row").hasMessageContaining("a1/debsum/any-precision/4>3/static")
                .hasMessageContaining("-Dgolden.update=true").hasMessageContaining("-Dit.test=RemovePrecisionSwitchingTest");
    }

    @Test
    void aGoldenMadeFromAnotherSampleCountIsNotComparedButExplained() {
        updated(0);
        SuiteSession check = session(false, new FakeCellRunner(20, QUALITY, Set.of("any-precision"), 0));
        CellVerdict v = check.verify(a1("static"));
        assertThat(v.basis()).isEqualTo(CellVerdict.Basis.NOT_COMPARABLE);
        assertThatThrownBy(v::assertPassed).hasMessageStartingWith(FailureCategory.INFRASTRUCTURE.prefix())
                .hasMessageContaining("40 prompts").hasMessageContaining("this run on 20");
    }

    /** One record holds every setting of a run, each read once from the properties it is given. */
    @Test
    void everySettingOfARunIsReadOnceIntoOneConfiguration() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("pmpd.findings.dir", dir.resolve("f").toString());
        p.setProperty("pmpd.scheduler", "static");
        p.setProperty("pmpd.model.dir", dir.resolve("m").toString());
        p.setProperty("pmpd.samples", "3");
        p.setProperty("pmpd.device", "cpu");
        p.setProperty("pmpd.runner", "container");
        p.setProperty("golden.spread.record", "true");
        SuiteSession.Config c = SuiteSession.Config.read(p, Map.of());
        assertThat(c.findingsDir()).isEqualTo(dir.resolve("f"));
        assertThat(c.selection().describe()).isEqualTo("pmpd.scheduler=static");
        assertThat(c.decoding().modelDir()).isEqualTo(dir.resolve("m"));
        assertThat(c.decoding().samples()).isEqualTo(3);
        assertThat(c.decoding().device()).isEqualTo(org.pmpdrepro.decode.DeviceChoice.CPU);
        assertThat(c.runner()).isEqualTo("container");
        assertThat(c.recordSpread()).isTrue();
        assertThat(c.update()).isFalse();
        SuiteSession.Config defaults = SuiteSession.Config.read(new java.util.Properties(), Map.of());
        assertThat(defaults.decoding()).isEqualTo(SuiteSettings.defaults());
        assertThat(defaults.runner()).isEqualTo(CellRunners.IN_PROCESS);
        // Update mode in CI is refused first, before a grid or selector that would fail on its own is read.
        java.util.Properties inCi = new java.util.Properties();
        inCi.setProperty("golden.update", "true");
        inCi.setProperty("pmpd.grid", dir.resolve("no-such-grid.csv").toString());
        assertThatThrownBy(() -> SuiteSession.Config.read(inCi, Map.of("CI", "true")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("golden.update");
        p.setProperty("pmpd.batch", "many");
        assertThatThrownBy(() -> SuiteSession.Config.read(p, Map.of())).hasMessageContaining("pmpd.batch='many'")
                .hasMessageContaining("expected an integer");
        // A JUnit configuration parameter lays over the system property of the same key.
        java.util.Properties overlaid = SuiteProperties.overlay(p,
                k -> k.equals("pmpd.batch") ? java.util.Optional.of("17") : java.util.Optional.empty());
        assertThat(SuiteSession.Config.read(overlaid, Map.of()).decoding().batchSize()).isEqualTo(17);
    }

    @Test
    void aSelectionThatMatchesNoCellFailsListingTheValidValuesOfEverySelector() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("pmpd.scheduler", "matched-static");
        SuiteSession s = new SuiteSession(new SuiteSession.Config(grid(), CellSelection.fromProperties(p),
                dir.resolve("goldens.csv"), true, dir.resolve("findings"), BOOTSTRAP, List.of(),
                ConfigurationGrid.none(), false), runner(0), SuiteListener.NONE);
        assertThatThrownBy(() -> s.cells(A1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pmpd.scheduler=matched-static").hasMessageContaining("matches no cell of a1")
                .hasMessageContaining("pmpd.task=debsum").hasMessageContaining("pmpd.backbone=any-precision")
                .hasMessageContaining("pmpd.pair=4>3")
                .hasMessageContaining("pmpd.scheduler=static,none-high,none-low,phase-aware-only")
                .hasMessageContaining("pmpd.ablation=a1,a2").hasMessageContaining("pmpd.shard=i/n");
        p.setProperty("pmpd.scheduler", "static");
        p.setProperty("pmpd.ablation", "a2");
        assertThat(CellSelection.fromProperties(p).excludes(A1)).isTrue();
        assertThat(CellSelection.fromProperties(p).excludes(Ablation.REPLACE_PTQ_METHOD)).isFalse();
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
            public Variant runVariant(Cell cell, SuiteSettings.Numerics numerics) {
                return fake.runVariant(cell, numerics);
            }

            @Override
            public RunEnvironment environment() {
                return fake.environment();
            }

            @Override
            public DecodeConfiguration configuration() {
                return fake.configuration();
            }

            @Override
            public List<org.pmpdrepro.metrics.MetricResult> score(CellOutcome outcome, List<String> hypotheses) {
                return fake.score(outcome, hypotheses);
            }
        };
        return new SuiteSession(config(dir.resolve("goldens.csv"), true, dir.resolve("findings"),
                ConfigurationGrid.none(), false), failing, SuiteListener.NONE);
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
    void theUpdateDiffNamesChangedPromptsAndValues() {
        updated(0);
        GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
        FakeCellRunner changed = runner(0);
        changed.regression.put("static", 2.0 / 40);
        CellOutcome now = changed.run(a1("static"));
        GoldenUpdate.Fresh fresh = GoldenUpdate.Fresh.of(now, changed.configuration(), changed.environment(), "c", "d");
        GoldenUpdate.Fresh same = GoldenUpdate.Fresh.of(changed.run(a1("none-high")), changed.configuration(),
                changed.environment(), "c", "d");
        List<String> diff = GoldenUpdate.diff(g, List.of(fresh, same));
        assertThat(diff).hasSize(2);
        assertThat(diff.get(0)).startsWith("~ a1/debsum/any-precision/4>3/static: 2 of 40 prompts changed; rougeL");
        assertThat(diff.get(1)).isEqualTo("1 of 2 rewritten cells unchanged");
    }

    @Test
    void anUpdateDropsTheRowsOfItsAblationsCellsTheGridNoLongerHasAndKeepsTheOtherAblations() throws Exception {
        updated(0);
        Path file = dir.resolve("goldens.csv");
        GoldenRow r = GoldenFile.read(file).find(a1("static").id()).orElseThrow().row();
        String goneCell = a1("none-matched").id();
        String a2Cell = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "haq", PAIR, "static").id();
        GoldenRow gone = new GoldenRow(r.ablation(), goneCell, r.samples(), GoldenFile.outputsName(goneCell),
                r.referencesSha256(), r.averageBits(), r.bytesPerToken(), r.residentBytes(), r.metrics(),
                r.configuration(), r.modelSha256(), r.fixturesSha256(), r.commit(), r.date());
        GoldenRow otherAblation = new GoldenRow(Ablation.REPLACE_PTQ_METHOD.id(), a2Cell, r.samples(),
                GoldenFile.outputsName(a2Cell), r.referencesSha256(), r.averageBits(), r.bytesPerToken(),
                r.residentBytes(), r.metrics(), r.configuration(), r.modelSha256(), r.fixturesSha256(), r.commit(),
                r.date());
        GoldenFile.read(file).withRows(List.of(gone, otherAblation)).write();
        Path goneOutputs = GoldenFile.read(file).find(goneCell).orElseThrow().outputsFile();
        Files.copy(GoldenFile.read(file).find(a1("static").id()).orElseThrow().outputsFile(), goneOutputs);

        updated(0);

        GoldenFile g = GoldenFile.read(file);
        assertThat(g.find(goneCell)).as("an A1 arm the grid dropped").isEmpty();
        assertThat(goneOutputs).as("its outputs file").doesNotExist();
        assertThat(g.find(a2Cell)).as("A2's rows are not the A1 update's to drop").isPresent();
        assertThat(g.find(a1("static").id())).isPresent();
    }

    @Test
    void aCellIsDecodedOnceHoweverOftenItIsAskedFor() {
        FakeCellRunner r = runner(0);
        SuiteSession s = session(false, r);
        s.verify(a1("static"));
        s.verify(a1("static"));
        s.conclude(A1);
        assertThat(r.runs).isEqualTo(4); // every A1 cell once: the comparisons and claims reuse them
    }

    @Test
    void theRunnerIsToldAnAblationsSelectedCellsBeforeAnyOfThemRuns() {
        FakeCellRunner r = runner(0);
        SuiteSession s = session(false, r);
        List<Cell> cells = s.cells(A1);
        assertThat(r.planned).containsExactlyElementsOf(cells).hasSize(4);
        assertThat(r.runs).isZero();
    }
}
