package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.report.FailureCategory;

/** The pre-registered claims (golden/claims.csv) evaluated, recorded and held on a fake runner. */
@Tag("unit")
class ClaimsSessionTest {

    static final BitWidthPair PAIR = new BitWidthPair(4, 3);

    @TempDir
    Path dir;

    static Grid grid() {
        List<Cell> cells = new ArrayList<>();
        for (String s : List.of("static", "none-high", "none-low", "phase-aware-only")) {
            cells.add(new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision", PAIR, s));
        }
        for (String b : List.of("any-precision", "gptq")) {
            cells.add(new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, b, PAIR, "static"));
        }
        return new Grid(cells);
    }

    static FakeCellRunner runner() {
        return new FakeCellRunner(40, SuiteSessionTest.QUALITY, Set.of("any-precision", "gptq"), 0);
    }

    SuiteSession session(boolean update, FakeCellRunner runner) {
        return session(update, runner, dir.resolve("findings"));
    }

    SuiteSession session(boolean update, FakeCellRunner runner, Path findings) {
        Path goldens = dir.resolve("goldens.csv");
        try {
            if (!update && !Files.exists(goldens)) {
                GoldenFile.empty(goldens).write();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new SuiteSession(new SuiteSession.Config(grid(), CellSelection.all(), goldens, update,
                findings, SuiteSessionTest.BOOTSTRAP, ClaimsFile.read(ClaimsFile.DEFAULT_FILE),
                ConfigurationGrid.none(), false), runner, SuiteListener.NONE);
    }

    /** Runs both ablations as their test classes do; returns every claim check. */
    static List<ClaimCheck> run(SuiteSession s) {
        List<ClaimCheck> checks = new ArrayList<>();
        for (Ablation a : Ablation.values()) {
            s.cells(a).forEach(s::verify);
            s.claims(a).forEach(i -> checks.add(s.checkClaim(i)));
            s.conclude(a);
            s.finish(a);
        }
        return checks;
    }

    static ClaimCheck check(List<ClaimCheck> checks, String claim) {
        return checks.stream().filter(c -> c.result().instance().claim().id().equals(claim)).findFirst()
                .orElseThrow();
    }

    @Test
    void everyClaimOfTheGridIsEvaluatedRecordedByUpdateModeAndThenHoldsItsVerdict() {
        run(session(true, runner()));
        ExpectedVerdicts expected = ExpectedVerdicts.readOrEmpty(dir.resolve(ExpectedVerdicts.FILE_NAME));
        assertThat(expected.size()).isEqualTo(ClaimsFile.read(ClaimsFile.DEFAULT_FILE).size());

        List<ClaimCheck> checks = run(session(false, runner()));

        assertThat(checks).allSatisfy(c -> assertThat(c.status()).as(c.message())
                .isIn(ClaimCheck.Status.HOLDS, ClaimCheck.Status.NOT_RUN));
        ClaimResult keeps = check(checks, "a1-static-keeps-high").result();
        assertThat(keeps.verdict()).isEqualTo(ClaimVerdict.SUPPORTED);
        assertThat(keeps.difference()).isNegative();
        assertThat(keeps.gap()).isPositive();
        assertThat(keeps.threshold()).isEqualTo(-0.25 * keeps.gap());
        assertThat(keeps.familyDescription()).isEqualTo("complete (4)");
        assertThat(keeps.pCriterionHolm()).isGreaterThanOrEqualTo(keeps.pCriterion());
        assertThat(check(checks, "a1-premise-high-beats-low").result().verdict()).isEqualTo(ClaimVerdict.SUPPORTED);
        assertThat(check(checks, "a2-less-memory-than-gptq").result().verdict()).isEqualTo(ClaimVerdict.SUPPORTED);
        assertThat(check(checks, "a2-static-not-worse-than-gptq").result().verdict())
                .isEqualTo(ClaimVerdict.SUPPORTED);
    }

    /**
     * What the ablation classes ask of the session (each cell's verdict, each claim's check, the conclusions, the
     * files finish writes) is the same whatever order the tests ask in: cells before claims before findings, as the
     * report orders them (each group in reverse); the findings first, which decodes every cell they compare; claims
     * first; and shuffled orders. Only the order of the work differs, never its outcome.
     */
    @Test
    void verdictsClaimsFindingsAndTheirFilesDoNotDependOnTheOrderTheTestsAskInForEitherAblation() throws Exception {
        run(session(true, runner()));
        Map<String, Object> reference = null;
        List<String> orders = List.of("cells claims findings", "findings claims cells", "claims findings cells",
                "findings cells claims", "shuffled 1", "shuffled 2", "shuffled 3");
        for (String order : orders) {
            Path findings = dir.resolve("findings-" + order.replace(' ', '-'));
            FakeCellRunner runner = runner();
            Map<String, Object> seen = inOrder(session(false, runner, findings), order);
            for (String file : List.of("a1-findings.csv", "a1-claims.csv", "a1-summary.md", "a2-findings.csv",
                    "a2-claims.csv", "a2-summary.md")) {
                seen.put("file " + file, Files.readString(findings.resolve(file)));
            }
            // However late the cells' own tests come, each cell is decoded once.
            assertThat(runner.runs).as(order).isEqualTo(grid().cells().size());
            if (reference == null) {
                reference = seen;
                assertThat(seen).as("what one session reports").hasSizeGreaterThan(20);
            } else {
                assertThat(seen).as("order '" + order + "' against '" + orders.get(0) + "'").isEqualTo(reference);
            }
        }
    }

    /**
     * Runs both ablations' tests in {@code order}: three named steps (cells and claims each in reverse), or
     * {@code shuffled N} (the cells, claims and findings of each ablation interleaved at random with seed N); then
     * finishes each ablation as its class's {@code @AfterAll} does. Returns what each step reported, keyed by step.
     */
    static Map<String, Object> inOrder(SuiteSession s, String order) {
        Map<String, Object> seen = new java.util.TreeMap<>();
        for (Ablation a : Ablation.values()) {
            List<Runnable> cells = new ArrayList<>();
            for (Cell c : s.cells(a)) {
                cells.add(() -> {
                    CellVerdict v = s.verify(c);
                    seen.put("cell " + c.id(), List.of(v.passed(), v.failureMessage(), v.checks()));
                });
            }
            List<Runnable> claims = new ArrayList<>();
            for (ClaimInstance i : s.claims(a)) {
                claims.add(() -> {
                    ClaimCheck check = s.checkClaim(i);
                    seen.put("claim " + i, List.of(check.status(), check.message(), check.result()));
                });
            }
            Runnable findings = () -> {
                SuiteSession.Conclusions c = s.conclude(a);
                seen.put("findings " + a.id(), List.of(c.findings(), c.claims(), c.failed()));
            };
            List<Runnable> steps = new ArrayList<>();
            if (order.startsWith("shuffled ")) {
                steps.addAll(cells);
                steps.addAll(claims);
                steps.add(findings);
                java.util.Collections.shuffle(steps, new java.util.Random(Long.parseLong(order.substring(9))));
            } else {
                for (String step : order.split(" ")) {
                    switch (step) {
                        case "cells" -> steps.addAll(cells.reversed());
                        case "claims" -> steps.addAll(claims.reversed());
                        case "findings" -> steps.add(findings);
                        default -> throw new IllegalArgumentException(step);
                    }
                }
            }
            steps.forEach(Runnable::run);
            s.finish(a);
        }
        return seen;
    }

    @Test
    void aClaimWhoseArmIsNotInTheGridIsReportedNotRunNamingTheMissingCell() {
        ClaimCheck learned = check(run(session(true, runner())), "a1-learned-keeps-high");
        assertThat(learned.result().verdict()).isEqualTo(ClaimVerdict.NOT_RUN);
        ClaimCheck again = check(run(session(false, runner())), "a1-static-beats-matched");
        assertThat(again.status()).isEqualTo(ClaimCheck.Status.NOT_RUN);
        assertThat(again.decidable()).isFalse();
        assertThat(again.message()).startsWith(FailureCategory.CLAIM_NOT_RUN.prefix())
                .contains("a1/debsum/any-precision/4>3/matched-static").contains("not in the grid");
    }

    @Test
    void aVerdictThatDiffersFromTheExpectedOneFailsNamingClaimTaskPairIntervalAndMargin() throws Exception {
        run(session(true, runner()));
        Path file = dir.resolve(ExpectedVerdicts.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("a1-static-keeps-high,debsum,4>3,supported",
                "a1-static-keeps-high,debsum,4>3,contradicted"));

        ClaimCheck c = check(run(session(false, runner())), "a1-static-keeps-high");

        assertThat(c.status()).isEqualTo(ClaimCheck.Status.CHANGED);
        assertThatThrownBy(c::assertHolds).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(FailureCategory.CLAIM_CHANGED.prefix())
                .hasMessageContaining("claim a1-static-keeps-high · debsum · 4>3")
                .hasMessageContaining("expected contradicted").hasMessageContaining("now supported")
                .hasMessageContaining("95% CI [").hasMessageContaining("threshold")
                .hasMessageContaining("= −0.25 × gap").hasMessageContaining(ExpectedVerdicts.FILE_NAME + ":");
    }

    @Test
    void aContradictedClaimThatStaysContradictedIsAFindingNotAFailure() {
        FakeCellRunner worse = runner();
        worse.regression.put("static", 0.8); // static far below none-high: loses far more than a quarter of the gap
        run(session(true, worse));
        ClaimCheck c = check(run(session(false, worse)), "a1-static-keeps-high");
        assertThat(c.result().verdict()).isEqualTo(ClaimVerdict.CONTRADICTED);
        assertThat(c.status()).isEqualTo(ClaimCheck.Status.HOLDS);
        assertThat(c.passed()).isTrue();
    }

    @Test
    void a2QualityClaimsAreInconclusiveWhenTheBackbonesReadUnequalBytes() {
        FakeCellRunner r = runner();
        r.bytesPerToken.put("gptq", 1100.0);
        ClaimResult c = check(run(session(true, r)), "a2-static-not-worse-than-gptq").result();
        assertThat(c.verdict()).isEqualTo(ClaimVerdict.INCONCLUSIVE);
        assertThat(c.reason()).contains("bytes differ by 9.1%").contains("within 3%");
    }

    @Test
    void anInconclusiveVerdictOfAPartialFamilyCannotOverruleADecidedExpectation() {
        ClaimInstance i = ClaimInstance.of(grid(), ClaimsFile.read(ClaimsFile.DEFAULT_FILE),
                Ablation.REMOVE_PRECISION_SWITCHING).get(0);
        ClaimResult partial = new ClaimResult(i, ClaimVerdict.INCONCLUSIVE, "inconclusive", 0, 0, 0, -1, 1, 0.1, 1,
                -0.25, 0.01, 0.04, 0.9, 1, 0, 0, 1, 4);
        ExpectedVerdicts.Expected supported = new ExpectedVerdicts.Expected(i.id(), ClaimVerdict.SUPPORTED,
                "complete (4)", dir.resolve("v.csv"), 2);
        ClaimCheck c = ClaimCheck.of(partial, Optional.of(supported), false);
        assertThat(c.status()).isEqualTo(ClaimCheck.Status.PARTIAL_FAMILY);
        assertThat(c.decidable()).isFalse();
        assertThat(c.message()).contains("1 of 4").contains("only a run of the whole ablation decides it");
        ClaimResult whole = new ClaimResult(i, ClaimVerdict.INCONCLUSIVE, "inconclusive", 0, 0, 0, -1, 1, 0.1, 1,
                -0.25, 0.01, 0.04, 0.9, 1, 0, 0, 4, 4);
        assertThat(ClaimCheck.of(whole, Optional.of(supported), false).status()).isEqualTo(ClaimCheck.Status.CHANGED);
    }

    @Test
    void findingsCarryRawAndHolmAdjustedPValuesTheMdeAndAgreementDecidedByTheClaims() throws Exception {
        run(session(true, runner()));
        List<String> lines = Files.readAllLines(dir.resolve("findings").resolve("a1-findings.csv"));
        assertThat(lines.get(0)).isEqualTo(String.join(",", FindingsCsv.HEADER));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("any-precision static,any-precision none-high,rougeL,"
                + "headline,").contains(",comparable,yes,a1-static-keeps-high: supported,"));
        assertThat(lines).filteredOn(l -> l.contains(",bleu,")).allSatisfy(l -> assertThat(l)
                .contains(",duplicate of sacrebleu/100,").contains(",n/a,"));
        List<String> claims = Files.readAllLines(dir.resolve("findings").resolve("a1-claims.csv"));
        assertThat(claims.get(0)).isEqualTo(String.join(",", ClaimsCsv.HEADER));
        assertThat(claims).anySatisfy(l -> assertThat(l).startsWith("a1-static-keeps-high,a1,debsum,4>3,"
                + "claim a1-static-keeps-high · debsum · 4>3,").contains(",supported,"));
        assertThat(Files.readString(dir.resolve("findings").resolve("a1-summary.md")))
                .contains("| static vs none-high |").contains("| a1-static-keeps-high | supported (");
    }

    @Test
    void aGapThatIsNotPositiveLeavesANonInferiorityClaimInconclusive() {
        FakeCellRunner r = new FakeCellRunner(40, Map.of("none-high", 0.3, "none-low", 0.5, "static", 0.4,
                "phase-aware-only", 0.5), Set.of("any-precision", "gptq"), 0);
        ClaimResult c = check(run(session(true, r)), "a1-static-keeps-high").result();
        assertThat(c.verdict()).isEqualTo(ClaimVerdict.INCONCLUSIVE);
        assertThat(c.reason()).contains("gap").contains("is not positive");
        assertThat(c.pCriterion()).isEqualTo(1.0);
    }
}
