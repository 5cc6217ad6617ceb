package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pmpdrepro.data.InputFormatException;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the suite: the grid and selection, the runner that shares work across cells, the goldens, the claims,
 * and what the ablation test classes ask of it (verify a cell, check a claim, conclude an ablation's findings,
 * finish an ablation). One session serves every test class of a run, so a decode made for one class serves the
 * other.
 */
public final class SuiteSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SuiteSession.class);

    /**
     * @param update update mode: rewrite goldens and expected verdicts from this run instead of checking them
     * @param findingsDir where each ablation's findings and claims CSV files are written
     * @param configurationGrid the configurations update mode measures the cross-configuration spread on
     * @param recordSpread whether a checking run on another configuration adds what it measured to the spread file
     * @param decoding where the cells' decoder finds its model and fixtures, and how it decodes
     * @param runner the cell runner's name ({@link CellRunners})
     */
    public record Config(Grid grid, CellSelection selection, Path goldenFile, boolean update, Path findingsDir,
            PairedBootstrap.Config bootstrap, List<Claim> claims, ConfigurationGrid configurationGrid,
            boolean recordSpread, SuiteSettings decoding, String runner) {

        public Config {
            claims = List.copyOf(claims);
            java.util.Objects.requireNonNull(decoding, "decoding");
            java.util.Objects.requireNonNull(runner, "runner");
        }

        /** A configuration decoding with {@link SuiteSettings#defaults()} on the in-process runner. */
        public Config(Grid grid, CellSelection selection, Path goldenFile, boolean update, Path findingsDir,
                PairedBootstrap.Config bootstrap, List<Claim> claims, ConfigurationGrid configurationGrid,
                boolean recordSpread) {
            this(grid, selection, goldenFile, update, findingsDir, bootstrap, claims, configurationGrid, recordSpread,
                    SuiteSettings.defaults(), CellRunners.IN_PROCESS);
        }

        /**
         * Every setting of a run, read once from {@code p} (the keys are {@link SuiteProperties#KEYS}): the grid and
         * selection, the goldens, claims and findings, update mode, the configuration grid, the decoding settings
         * and the runner.
         *
         * @param env the environment ({@code CI} refuses update mode)
         * @throws IllegalStateException when update mode is asked for with {@code CI} set
         * @throws IllegalArgumentException when a setting is malformed, naming it and the expected form
         */
        public static Config read(Properties p, Map<String, String> env) {
            // First: update mode asked for in CI is refused before anything else is read.
            boolean update = GoldenUpdate.requested(p.getProperty(GoldenUpdate.PROPERTY), env);
            return new Config(Grid.read(Path.of(p.getProperty("pmpd.grid", Grid.DEFAULT_FILE.toString()))),
                    CellSelection.fromProperties(p),
                    Path.of(p.getProperty("pmpd.golden", GoldenFile.DEFAULT_FILE.toString())), update,
                    Path.of(p.getProperty("pmpd.findings.dir", "target/findings")), PairedBootstrap.Config.defaults(),
                    ClaimsFile.read(Path.of(p.getProperty("pmpd.claims", ClaimsFile.DEFAULT_FILE.toString()))),
                    ConfigurationGrid.parse(p.getProperty(ConfigurationGrid.PROPERTY)).withDecodesPerTask(
                            ConfigurationGrid.parseDecodes(p.getProperty(ConfigurationGrid.DECODES_PROPERTY))),
                    Boolean.parseBoolean(p.getProperty("golden.spread.record", "false")),
                    SuiteSettings.fromProperties(p), p.getProperty(CellRunners.PROPERTY, CellRunners.IN_PROCESS));
        }
    }

    /** The outcome of concluding an ablation: its findings, its claims, and the comparisons that could not run. */
    public record Conclusions(List<Finding> findings, List<ClaimResult> claims, List<String> failed) {}

    private final Config config;
    private final CellRunner runner;
    private final SuiteListener reporter;
    private final GoldenRecorder recorder;
    private GoldenFile goldens;
    private final ConfigurationSpread spread;
    private final ExpectedVerdicts expected;
    private final Map<Cell, CellOutcome> outcomes = new LinkedHashMap<>();
    /** A cell that failed fails again without another decode when claims or findings ask for it. */
    private final Map<Cell, IllegalStateException> failures = new HashMap<>();
    private final Map<Cell, CellVerdict> verdicts = new LinkedHashMap<>();
    private final Map<Comparison, List<Finding>> findings = new LinkedHashMap<>();
    private final Map<Ablation, List<ClaimResult>> claimResults = new HashMap<>();
    private final Map<Ablation, Conclusions> conclusions = new HashMap<>();
    /** Cells verified out of those selected, per ablation, with an ETA, in the log. */
    private final Map<Ablation, Progress> grid = new HashMap<>();

    public SuiteSession(Config config, CellRunner runner, SuiteListener reporter) {
        this(config, runner, reporter, name -> {
            throw new IllegalArgumentException("no runner '" + name + "' is available to this session");
        });
    }

    /** @param otherRunners opens another runner by name, for the configuration grid's container variant */
    public SuiteSession(Config config, CellRunner runner, SuiteListener reporter,
            Function<String, CellRunner> otherRunners) {
        this.config = config;
        this.runner = runner;
        this.reporter = reporter;
        // Only an update may start from a file that does not exist yet (it creates it).
        this.goldens = config.update()
                ? GoldenFile.readOrEmpty(config.goldenFile())
                : GoldenFile.read(config.goldenFile());
        this.spread = ConfigurationSpread.readOrEmpty(ConfigurationSpread.besides(config.goldenFile()));
        this.expected = ExpectedVerdicts.readOrEmpty(ExpectedVerdicts.besides(config.goldenFile()));
        this.recorder = new GoldenRecorder(config.goldenFile(), config.bootstrap(), config.configurationGrid(),
                otherRunners);
    }

    /**
     * A session configured from {@code p} ({@link SuiteSettings}, {@link CellSelection}, {@code golden.update},
     * {@code golden.grid}, {@code golden.grid.decodes}, {@code golden.spread.record}, {@code pmpd.grid},
     * {@code pmpd.golden}, {@code pmpd.claims}, {@code pmpd.findings.dir}) with the runner {@code pmpd.runner} names
     * ({@link CellRunners}; in-process by default) and the reporter registered as a service. The ablation tests get
     * theirs from their JUnit extension, which reads the properties once and closes the session when the run ends.
     *
     * @param env the environment ({@code CI} refuses update mode)
     * @throws IllegalStateException when update mode is asked for with {@code CI} set
     * @throws IllegalArgumentException when {@code pmpd.runner} names no registered runner
     */
    public static SuiteSession open(Properties p, Map<String, String> env) {
        return open(Config.read(p, env));
    }

    /** A session on {@code config}'s runner, opening other runners by name for the configuration grid. */
    public static SuiteSession open(Config config) {
        Function<String, CellRunner> runners = name -> CellRunners.open(name, SuiteRegistry.defaults(),
                config.decoding(), ServiceLoader.load(CellRunnerProvider.class));
        return new SuiteSession(config, runners.apply(config.runner()), SuiteListener.load(), runners);
    }

    /**
     * Closes the runner (the model, the decoders, containers it started) and the runner update mode opened for the
     * configuration grid; a failure to close is logged, not thrown, so it cannot fail a run that has ended.
     */
    @Override
    public synchronized void close() {
        try {
            runner.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the cell runner failed: {}", e.toString());
        } finally {
            try {
                recorder.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the configuration grid's runner failed: {}", e.toString());
            }
        }
    }

    public Config config() {
        return config;
    }

    /** Whether {@code -Dpmpd.ablation} leaves {@code ablation} out on purpose. */
    public boolean excluded(Ablation ablation) {
        return config.selection().excludes(ablation);
    }

    /**
     * The selected cells of {@code ablation}, in grid order; the runner is told of them ({@link CellRunner#plan}).
     *
     * @throws IllegalArgumentException when the selection matches none, listing the valid value of every selector
     */
    public List<Cell> cells(Ablation ablation) {
        List<Cell> selected = config.selection().select(config.grid().of(ablation));
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(config.selection().noMatchMessage(config.grid(), ablation));
        }
        runner.plan(selected);
        synchronized (this) {
            grid.computeIfAbsent(ablation, a -> Progress.of(LOG, a.id() + " grid", selected.size(), "cells"));
        }
        return selected;
    }

    /** The comparisons of {@code ablation} whose two arms are both selected. */
    public List<Comparison> comparisons(Ablation ablation) {
        return Comparisons.of(config.grid(), ablation).stream().filter(config.selection()::accepts).toList();
    }

    /** The claim instances of {@code ablation} whose two arms are both selected (or would be, were they in the grid). */
    public List<ClaimInstance> claims(Ablation ablation) {
        return ClaimInstance.of(config.grid(), config.claims(), ablation).stream()
                .filter(i -> config.selection().accepts(i.system()) && config.selection().accepts(i.baseline()))
                .toList();
    }

    /**
     * Runs {@code cell} and holds it against its golden; in update mode records it for {@link #finish} instead.
     * A cell that cannot run (not wired, decoder failure) propagates its exception after the reporter has seen it.
     */
    public synchronized CellVerdict verify(Cell cell) {
        return Phases.listening(reporter, () -> {
            CellOutcome outcome = outcome(cell);
            CellVerdict verdict;
            if (config.update()) {
                verdict = new CellVerdict(outcome, CellVerdict.Basis.UPDATED, goldens.find(cell.id()), List.of(),
                        List.of(), "recorded by update mode");
                reporter.cellCompared(verdict);
            } else {
                verdict = Phases.run("compare with golden", () -> {
                    CellVerdict v = GoldenCheck.check(outcome, new GoldenCheck.Context(goldens, spread,
                            runner.configuration(), runner.environment(), runner::score, config.bootstrap(),
                            howToUpdate(cell)));
                    reporter.cellCompared(v);
                    return v;
                }, SuiteSession::compared);
            }
            boolean first = verdicts.put(cell, verdict) == null;
            Progress progress = grid.get(cell.ablation());
            if (first && progress != null) {
                progress.advance(1, () -> cell.displayName() + " " + (verdict.passed() ? "passed" : "FAILED"));
            }
            reporter.cellChecked(verdict);
            return verdict;
        });
    }

    /** What a comparison with the golden found, as its report step says. */
    static String compared(CellVerdict v) {
        return switch (v.basis()) {
            case REFERENCE -> String.format(Locale.ROOT, "compare with golden on its own configuration: %d of %d"
                    + " prompts changed, %d of %d quantities equal", v.changed().size(), v.outcome().sampleCount(),
                    v.checks().size() - v.failures().size(), v.checks().size());
            case CROSS_CONFIGURATION -> String.format(Locale.ROOT, "compare with golden across configurations (%s):"
                    + " %d prompts changed, %d of %d quantities within tolerance", v.note(), v.changed().size(),
                    v.checks().size() - v.failures().size(), v.checks().size());
            case UPDATED -> "golden update: recorded";
            case MISSING_GOLDEN, NOT_COMPARABLE -> "compare with golden: " + v.note();
        };
    }

    /** Evaluates the claim instance (its whole selected family at the first call) and holds it to its expected verdict. */
    public synchronized ClaimCheck checkClaim(ClaimInstance instance) {
        return Phases.listening(reporter, () -> checked(instance));
    }

    private ClaimCheck checked(ClaimInstance instance) {
        ClaimResult result = claimResults(instance.claim().ablation()).stream()
                .filter(r -> r.instance().equals(instance)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(instance + " is not selected in this run"));
        ClaimCheck check = ClaimCheck.of(result, expected.find(instance), config.update());
        reporter.claimChecked(check);
        return check;
    }

    private List<ClaimResult> claimResults(Ablation ablation) {
        return claimResults.computeIfAbsent(ablation, a -> {
            int family = (int) ClaimInstance.of(config.grid(), config.claims(), a).stream()
                    .filter(i -> i.notRun().isEmpty() && i.claim().quality()).count();
            return new ClaimEvaluator(config.bootstrap()).evaluate(claims(a), this::outcome, family);
        });
    }

    /**
     * The ablation's findings concluded (Holm over its headline family, agreement with the paper) with its claims,
     * handed to the reporter; comparisons whose cells could not run are listed instead.
     */
    public synchronized Conclusions conclude(Ablation ablation) {
        Conclusions c = Phases.listening(reporter, () -> conclusions.computeIfAbsent(ablation, this::concluded));
        reporter.ablationFindings(ablation, c.findings(), c.claims());
        return c;
    }

    private Conclusions concluded(Ablation ablation) {
        List<Finding> raw = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Comparison c : comparisons(ablation)) {
            try {
                raw.addAll(findings(c));
            } catch (RuntimeException e) {
                failed.add(c.id() + ": " + e.getMessage());
            }
        }
        List<ClaimResult> claims;
        try {
            claims = claimResults(ablation);
        } catch (RuntimeException e) {
            failed.add("claims of " + ablation.id() + ": " + e.getMessage());
            claims = List.of();
        }
        Map<List<Cell>, List<ClaimResult>> byArms = new HashMap<>();
        for (ClaimResult r : claims) {
            byArms.computeIfAbsent(List.of(r.instance().system(), r.instance().baseline()), k -> new ArrayList<>())
                    .add(r);
        }
        return new Conclusions(FindingsAnalysis.conclude(raw, byArms), claims, failed);
    }

    /**
     * Ends an ablation: writes its findings, claims and summary under the findings folder and, in update mode,
     * rewrites the goldens, the configuration spread and the expected verdicts of every cell and claim of it that
     * ran, printing the diff. With {@code golden.spread.record} a checking run on another configuration adds what
     * it measured to the spread file. Returns the findings file.
     */
    public synchronized Path finish(Ablation ablation) {
        Conclusions c = conclusions.computeIfAbsent(ablation, this::concluded);
        Path csv = config.findingsDir().resolve(ablation.id() + "-findings.csv");
        try {
            FindingsCsv.write(csv, c.findings());
            ClaimsCsv.write(config.findingsDir().resolve(ablation.id() + "-claims.csv"), c.claims(), expected);
            FindingsSummary.write(config.findingsDir().resolve(ablation.id() + "-summary.md"), ablation, c,
                    outcomes.values());
            if (config.update()) {
                update(ablation, c);
            } else if (config.recordSpread()) {
                recordSpread(ablation);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results of " + ablation.id(), e);
        }
        logTimings(ablation);
        return csv;
    }

    private void update(Ablation ablation, Conclusions c) throws IOException {
        // The cells verified in this run, not the gap cells a claim ran on demand outside the selection.
        List<CellOutcome> ran = verdicts.values().stream().filter(v -> v.cell().ablation() == ablation)
                .map(CellVerdict::outcome).toList();
        if (ran.isEmpty()) {
            LOG.warn("golden update: no cell of {} ran; {} left as it was", ablation.id(), goldens.file());
            return;
        }
        RunStamp stamp = RunStamp.now();
        // Rows of this ablation whose cell the grid no longer has go; other ablations' rows are not this run's.
        Set<String> gridCells = config.grid().of(ablation).stream().map(Cell::id).collect(Collectors.toSet());
        GoldenUpdate.Result result = recorder.goldens(ran, runner, stamp,
                row -> !row.ablation().equals(ablation.id()) || gridCells.contains(row.cell()));
        goldens = result.file();
        List<String> notMeasured = recorder.spread(ran, runner, stamp);
        List<String> verdictDiff = ExpectedVerdicts.update(ExpectedVerdicts.besides(config.goldenFile()), c.claims(),
                stamp);
        System.out.println("golden update of " + ablation.id() + " (" + goldens.file() + "):\n  "
                + String.join("\n  ", result.diff()) + "\nconfiguration spread ("
                + ConfigurationSpread.besides(config.goldenFile()) + "): " + (notMeasured.isEmpty()
                        ? "every configuration of the grid measured" : String.join("; ", notMeasured))
                + "\nexpected claim verdicts (" + ExpectedVerdicts.besides(config.goldenFile()) + "): "
                + (verdictDiff.isEmpty() ? "unchanged" : verdictDiff.size() + " new or changed:\n  "
                        + String.join("\n  ", verdictDiff)));
    }

    private void recordSpread(Ablation ablation) throws IOException {
        RunStamp stamp = RunStamp.now();
        List<ConfigurationSpread.Row> rows = new ArrayList<>();
        for (CellVerdict v : verdicts.values()) {
            if (v.cell().ablation() == ablation && v.basis() == CellVerdict.Basis.CROSS_CONFIGURATION) {
                rows.addAll(ConfigurationSpread.of(v, runner.configuration(), stamp));
            }
        }
        ConfigurationSpread.merge(ConfigurationSpread.besides(config.goldenFile()), rows);
        LOG.info("configuration spread: {} rows of {} recorded from {}", rows.size(), ablation.id(),
                runner.configuration());
    }

    /** Where this session's time went for one ablation: each decode and back-bone is charged to its first cell. */
    private void logTimings(Ablation ablation) {
        double build = 0;
        double decode = 0;
        double score = 0;
        int cells = 0;
        int sharedDecodes = 0;
        for (CellOutcome o : outcomes.values()) {
            if (o.cell().ablation() == ablation) {
                build += o.timings().buildSeconds();
                decode += o.timings().decodeSeconds();
                score += o.timings().scoreSeconds();
                cells++;
                sharedDecodes += o.timings().decodeShared() ? 1 : 0;
            }
        }
        LOG.info(String.format(Locale.ROOT, "%s: %d cells ran (%d reused an earlier decode); back-bone builds %.1f s,"
                + " decoding %.1f s, scoring %.1f s", ablation.id(), cells, sharedDecodes, build, decode, score));
    }

    private List<Finding> findings(Comparison c) {
        List<Finding> f = findings.get(c);
        if (f == null) {
            f = new FindingsAnalysis(config.bootstrap()).analyse(c, outcome(c.baseline()), outcome(c.system()));
            findings.put(c, f);
        }
        return f;
    }

    private CellOutcome outcome(Cell cell) {
        CellOutcome o = outcomes.get(cell);
        if (o == null) {
            IllegalStateException failed = failures.get(cell);
            if (failed != null) {
                throw failed;
            }
            try {
                o = runner.run(cell);
            } catch (RuntimeException e) {
                reporter.cellFailed(cell, e);
                // Wiring, files, caches and containers are infrastructure; anything else broke the decoder itself.
                FailureCategory category = e instanceof NotImplementedException || e instanceof UncheckedIOException
                        || e instanceof InputFormatException
                        || e.getClass().getName().startsWith("org.pmpdrepro.container")
                        ? FailureCategory.INFRASTRUCTURE : FailureCategory.DECODER_CRASH;
                failed = new IllegalStateException(category.message(cell.displayName() + " (" + cell.id() + "): "
                        + e), e);
                failures.put(cell, failed);
                throw failed;
            }
            outcomes.put(cell, o);
        }
        return o;
    }

    /** The cell's golden, for tests that look at what a check compared with. */
    Optional<GoldenFile.Located> golden(Cell cell) {
        return goldens.find(cell.id());
    }

    private static String howToUpdate(Cell cell) {
        return "./mvnw -B verify -DskipUnitTests -Dit.test=" + cell.ablation().testClass() + " -Dpmpd.task="
                + cell.task().id() + " -Dpmpd.backbone=" + cell.backbone() + " -Dpmpd.pair='" + cell.pair()
                + "' -Dpmpd.scheduler=" + cell.scheduler() + " -Dgolden.update=true";
    }
}
