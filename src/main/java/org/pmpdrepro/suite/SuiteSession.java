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
import java.util.Set;
import java.util.stream.Collectors;
import org.pmpdrepro.data.InputFormatException;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the suite: the grid and selection, the runner that shares work across cells, the goldens, and what
 * the ablation test classes ask of it (verify a cell, measure a comparison, finish an ablation). One session serves
 * every test class of a JVM, so a decode made for one class serves the other.
 */
public final class SuiteSession {

    private static final Logger LOG = LoggerFactory.getLogger(SuiteSession.class);
    private static SuiteSession shared;

    /**
     * @param update update mode: rewrite goldens from this run instead of checking them
     * @param findingsDir where each ablation's findings CSV is written
     */
    public record Config(Grid grid, CellSelection selection, Path goldenFile, boolean update, Path findingsDir,
            BandPolicy bands, PairedBootstrap.Config bootstrap) {}

    private final Config config;
    private final CellRunner runner;
    private final CellReporter reporter;
    private GoldenFile goldens;
    private final Map<Cell, CellOutcome> outcomes = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> spreads = new HashMap<>();
    private final Map<Comparison, List<Finding>> findings = new LinkedHashMap<>();
    private final FindingsAnalysis analysis;

    public SuiteSession(Config config, CellRunner runner, CellReporter reporter) {
        this.config = config;
        this.runner = runner;
        this.reporter = reporter;
        // Only an update may start from a file that does not exist yet (it creates it).
        this.goldens = config.update()
                ? GoldenFile.readOrEmpty(config.goldenFile())
                : GoldenFile.read(config.goldenFile());
        this.analysis = new FindingsAnalysis(config.bootstrap());
    }

    /**
     * The JVM's session, configured from system properties ({@link SuiteSettings}, {@link CellSelection},
     * {@code golden.update}, {@code pmpd.grid}, {@code pmpd.golden}, {@code pmpd.findings.dir}) with the runner
     * {@code -Dpmpd.runner} names ({@link CellRunners}; in-process by default) and the reporter registered as a
     * service.
     *
     * @throws IllegalStateException when update mode is asked for with {@code CI} set
     * @throws IllegalArgumentException when {@code -Dpmpd.runner} names no registered runner
     */
    public static synchronized SuiteSession shared() {
        if (shared == null) {
            Properties p = System.getProperties();
            boolean update = GoldenUpdate.requested(p.getProperty(GoldenUpdate.PROPERTY), System.getenv());
            Config config = new Config(Grid.read(Path.of(p.getProperty("pmpd.grid", Grid.DEFAULT_FILE.toString()))),
                    CellSelection.fromProperties(p),
                    Path.of(p.getProperty("pmpd.golden", GoldenFile.DEFAULT_FILE.toString())), update,
                    Path.of(p.getProperty("pmpd.findings.dir", "target/findings")), BandPolicy.standard(),
                    PairedBootstrap.Config.defaults());
            shared = new SuiteSession(config, CellRunners.fromProperties(p), CellReporter.load());
        }
        return shared;
    }

    public Config config() {
        return config;
    }

    /** The selected cells of {@code ablation}, in grid order; the runner is told of them ({@link CellRunner#plan}). */
    public List<Cell> cells(Ablation ablation) {
        List<Cell> selected = config.selection().select(config.grid().of(ablation));
        runner.plan(selected);
        return selected;
    }

    /** The comparisons of {@code ablation} whose two arms are both selected. */
    public List<Comparison> comparisons(Ablation ablation) {
        return Comparisons.of(config.grid(), ablation).stream().filter(config.selection()::accepts).toList();
    }

    /**
     * Runs {@code cell} and holds it against its goldens; in update mode records it for {@link #finish} instead.
     * A cell that cannot run (not wired, decoder failure) propagates its exception after the reporter has seen it.
     */
    public synchronized CellVerdict verify(Cell cell) {
        CellOutcome outcome = outcome(cell);
        CellVerdict verdict;
        if (config.update()) {
            List<MetricCheck> checks = new ArrayList<>();
            for (String m : SuiteMetrics.ALL) {
                checks.add(new MetricCheck(m, outcome.value(m), MetricCheck.Status.UPDATED, Optional.empty(), ""));
            }
            verdict = new CellVerdict(outcome, checks);
        } else {
            verdict = GoldenCheck.check(outcome, goldens, runner.environment(), howToUpdate(cell));
        }
        reporter.cellChecked(verdict);
        return verdict;
    }

    /** Measures a comparison and checks that its arms' bands keep every significant difference apart. */
    public synchronized ComparisonVerdict compare(Comparison c) {
        List<Finding> measured = findings(c);
        reporter.comparisonMeasured(c, measured);
        List<String> problems = new ArrayList<>();
        for (Finding f : measured) {
            if (!f.significant() || f.metric().equals(Finding.RESIDENT_BYTES)) {
                continue;
            }
            Optional<Band> b = band(c.baseline(), f.metric());
            Optional<Band> s = band(c.system(), f.metric());
            if (b.isEmpty() || s.isEmpty()) {
                problems.add(f.metric() + ": significant difference " + fmt(f.difference()) + " but no golden band for "
                        + (b.isEmpty() ? c.baseline().id() : c.system().id()) + " in " + goldens.file()
                        + " to check it against");
            } else if (!b.get().separatedFrom(s.get())) {
                problems.add(String.format(Locale.ROOT, "%s: difference %s (95%% CI [%s, %s]) is significant, but"
                        + " the bands overlap: %s %s vs %s %s", f.metric(), fmt(f.difference()), fmt(f.ciLower()),
                        fmt(f.ciUpper()), c.baseline().scheduler() + "/" + c.baseline().backbone(), b.get(),
                        c.system().scheduler() + "/" + c.system().backbone(), s.get()));
            }
        }
        return new ComparisonVerdict(c, measured, problems);
    }

    /**
     * Ends an ablation: writes its findings CSV (every comparison measured in this session) and, in update mode,
     * rewrites the goldens of every cell of it that ran, printing the diff. Returns the findings file.
     */
    public synchronized Path finish(Ablation ablation) {
        List<Finding> all = findingsOf(ablation);
        Path csv = config.findingsDir().resolve(ablation.id() + "-findings.csv");
        try {
            FindingsCsv.write(csv, all);
            if (config.update()) {
                updateGoldens(ablation);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results of " + ablation.id(), e);
        }
        logTimings(ablation);
        return csv;
    }

    /**
     * The findings of every comparison of {@code ablation} measured so far in this session, handed to the reporter.
     * The ablation's findings test calls it after the comparisons, so a report attaches them to a running test.
     */
    public synchronized List<Finding> reportFindings(Ablation ablation) {
        List<Finding> all = findingsOf(ablation);
        reporter.ablationFindings(ablation, all);
        return all;
    }

    private List<Finding> findingsOf(Ablation ablation) {
        List<Finding> all = new ArrayList<>();
        findings.forEach((c, f) -> {
            if (c.ablation() == ablation) {
                all.addAll(f);
            }
        });
        return all;
    }

    /** Where this session's time went for one ablation: each decode and back-bone is charged to its first cell. */
    private void logTimings(Ablation ablation) {
        double build = 0;
        double decode = 0;
        double score = 0;
        int cells = 0;
        int shared = 0;
        for (CellOutcome o : outcomes.values()) {
            if (o.cell().ablation() == ablation) {
                build += o.timings().buildSeconds();
                decode += o.timings().decodeSeconds();
                score += o.timings().scoreSeconds();
                cells++;
                shared += o.timings().decodeShared() ? 1 : 0;
            }
        }
        LOG.info(String.format(Locale.ROOT, "%s: %d cells ran (%d reused an earlier decode); back-bone builds %.1f s,"
                + " decoding %.1f s, scoring %.1f s", ablation.id(), cells, shared, build, decode, score));
    }

    private void updateGoldens(Ablation ablation) throws IOException {
        RunEnvironment env = runner.environment();
        RunStamp stamp = RunStamp.now();
        List<GoldenRow> fresh = new ArrayList<>();
        for (CellOutcome o : outcomes.values()) {
            if (o.cell().ablation() != ablation) {
                continue;
            }
            for (String m : SuiteMetrics.ALL) {
                Band band = derivedBand(o.cell(), m);
                fresh.add(new GoldenRow(ablation.id(), o.cell().id(), m, o.value(m), band.absolute(),
                        band.relative(), spread(o.cell()).get(m), standardError(o, m), GoldenRow.Source.RUN,
                        env.device(), env.backend(), env.modelSha256(), env.fixturesSha256(), stamp.commit(),
                        stamp.date(), o.sampleCount()));
            }
        }
        if (fresh.isEmpty()) {
            LOG.warn("golden update: no cell of {} ran; {} left as it was", ablation.id(), goldens.file());
            return;
        }
        // Rows of this ablation whose cell the grid no longer has go; other ablations' rows are not this run's.
        Set<String> gridCells = config.grid().of(ablation).stream().map(Cell::id).collect(Collectors.toSet());
        GoldenUpdate.Result result = GoldenUpdate.apply(goldens.file(), fresh,
                row -> !row.ablation().equals(ablation.id()) || gridCells.contains(row.cell()));
        goldens = result.file();
        System.out.println("golden update of " + ablation.id() + " (" + goldens.file() + "):\n  "
                + String.join("\n  ", result.diff()));
    }

    private Optional<Band> band(Cell cell, String metric) {
        if (config.update()) {
            return Optional.of(derivedBand(cell, metric));
        }
        return goldens.find(cell.id(), metric).map(l -> l.row().band());
    }

    /** The band update mode writes for a cell that ran in this session (see {@link BandPolicy}). */
    Band derivedBand(Cell cell, String metric) {
        CellOutcome o = outcome(cell);
        double smallest = Double.NaN;
        for (Comparison c : Comparisons.of(config.grid(), cell.ablation())) {
            if (!(c.baseline().equals(cell) || c.system().equals(cell)) || !outcomes.containsKey(c.baseline())
                    || !outcomes.containsKey(c.system())) {
                continue;
            }
            for (Finding f : findings(c)) {
                if (f.metric().equals(metric) && f.significant()) {
                    double d = Math.abs(f.difference());
                    smallest = Double.isNaN(smallest) ? d : Math.min(smallest, d);
                }
            }
        }
        return config.bands().derive(metric, o.value(metric), spread(cell).get(metric), standardError(o, metric),
                smallest);
    }

    private double standardError(CellOutcome o, String metric) {
        return BandPolicy.standardError(o.metric(metric), config.bootstrap());
    }

    /** |Δ| per metric between the cell's run and a rerun under other numerics; shared by cells of one decode. */
    private Map<String, Double> spread(Cell cell) {
        CellOutcome o = outcome(cell);
        String key = cell.task().id() + "/" + cell.backbone() + "/" + o.plan();
        return spreads.computeIfAbsent(key, k -> {
            CellRunner.Variant v = runner.runVariant(cell);
            Map<String, Double> out = new LinkedHashMap<>();
            for (String m : SuiteMetrics.ALL) {
                out.put(m, Math.abs(v.outcome().value(m) - o.value(m)));
            }
            LOG.info("numerical spread of {} ({}): {}", k, v.description(), out);
            return out;
        });
    }

    private List<Finding> findings(Comparison c) {
        List<Finding> f = findings.get(c);
        if (f == null) {
            f = analysis.analyse(c, outcome(c.baseline()), outcome(c.system()));
            findings.put(c, f);
        }
        return f;
    }

    private CellOutcome outcome(Cell cell) {
        CellOutcome o = outcomes.get(cell);
        if (o == null) {
            try {
                o = runner.run(cell);
            } catch (RuntimeException e) {
                reporter.cellFailed(cell, e);
                // Wiring, files, caches and containers are infrastructure; anything else broke the decoder itself.
                FailureCategory category = e instanceof NotImplementedException || e instanceof UncheckedIOException
                        || e instanceof InputFormatException
                        || e.getClass().getName().startsWith("org.pmpdrepro.container")
                        ? FailureCategory.INFRASTRUCTURE : FailureCategory.DECODER_CRASH;
                throw new IllegalStateException(category.message(cell.displayName() + " (" + cell.id() + "): " + e),
                        e);
            }
            outcomes.put(cell, o);
        }
        return o;
    }

    private static String howToUpdate(Cell cell) {
        return "./mvnw -B verify -DskipUnitTests -Dit.test=" + cell.ablation().testClass() + " -Dpmpd.task=" + cell.task().id()
                + " -Dpmpd.backbone=" + cell.backbone() + " -Dpmpd.pair='" + cell.pair() + "' -Dpmpd.scheduler="
                + cell.scheduler() + " -Dgolden.update=true";
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4g", d);
    }
}
