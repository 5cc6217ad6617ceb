package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.container.CellFiles;
import org.pmpdrepro.container.CellRun;
import org.pmpdrepro.container.JobCell;
import org.pmpdrepro.container.JobSpec;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellScoring;
import org.pmpdrepro.suite.CellVerdict;
import org.pmpdrepro.suite.ConfigurationSpread;
import org.pmpdrepro.suite.DecodeConfiguration;
import org.pmpdrepro.suite.GoldenCheck;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.MetricCheck;
import org.pmpdrepro.suite.RunEnvironment;
import org.pmpdrepro.suite.SuiteMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd check-cells}: the host half of a job run elsewhere (a lent GPU machine, a container): reads the cells
 * {@code run-job} left, scores them exactly as the ablation suite scores its own decodes, and holds every metric
 * against its golden row. With {@code --against}, a second run of the same job (the CPU, say) is compared sample by
 * sample: how many outputs are identical, and each metric's difference with its paired-bootstrap 95% interval.
 */
@Command(
        name = "check-cells",
        mixinStandardHelpOptions = true,
        description = {
            "Score the cells a run-job left under --cells as the ablation suite does and check them against the",
            "goldens (decoded elsewhere, they take the cross-configuration path: paired differences within the",
            "tolerance measured over the configuration grid); with --against, compare them sample by sample with",
            "another run of the same job. Exit code 0 when every cell agrees with its golden, 1 otherwise."
        })
public final class CheckCellsCommand implements Callable<Integer> {

    static final List<String> CSV_HEADER = List.of("cell", "quantity", "device", "backend", "samples", "value",
            "passed", "basis", "golden", "accepted_lower", "accepted_upper", "rule", "changed_prompts",
            "golden_difference", "golden_ci_lower", "golden_ci_upper", "against_device", "against_value",
            "difference", "ci_lower", "ci_upper", "p_value", "identical_outputs");

    /** The runner name this command's configurations carry: cells decoded by {@code run-job} somewhere else. */
    static final String RUNNER = "run-job";
    /** The CPU of a machine the command did not run on is not recorded, so its cells are never "the same machine". */
    static final String CPU_NOT_RECORDED = "not-recorded (cells decoded elsewhere)";

    @Spec
    CommandSpec spec;

    @Option(names = "--job", required = true, paramLabel = "FILE", description = "The job specification the cells"
            + " were run from (run-job --spec).")
    Path jobFile;

    @Option(names = "--cells", required = true, paramLabel = "DIR", description = "What run-job --out left.")
    Path cells;

    @Option(names = "--against", paramLabel = "DIR", description = "Another run of the same job's cells to compare"
            + " with, sample by sample.")
    Path against;

    @Option(names = "--golden", paramLabel = "FILE", description = "Golden file (default: ${DEFAULT-VALUE}).")
    Path golden = GoldenFile.DEFAULT_FILE;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write one CSV row per cell and quantity here.")
    Path out;

    @Option(names = "--record-spread", description = "Add each cell's paired differences from its golden to the"
            + " configuration spread beside the golden file (golden/README.md): this run's configuration joins the"
            + " grid the cross-configuration tolerances are derived from.")
    boolean recordSpread;

    /** One cell's run scored, its verdict, and (with {@code --against}) the other run scored. */
    private record Checked(CellRun run, CellVerdict verdict, CellRun otherRun, CellOutcome other) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        JobSpec job = JobSpec.read(jobFile);
        GoldenFile goldens = GoldenFile.read(golden);
        ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(ConfigurationSpread.besides(golden));
        CellScoring scoring = CellScoring.defaults();
        List<ConfigurationSpread.Row> measured = new java.util.ArrayList<>();
        StringWriter csv = new StringWriter();
        boolean passed = true;
        try (CSVPrinter printer = new CSVPrinter(csv, CSVFormat.DEFAULT.builder().setRecordSeparator("\n")
                .get())) {
            printer.printRecord(CSV_HEADER);
            for (JobCell jobCell : job.cells()) {
                Checked c = check(jobCell, job, goldens, spread, scoring);
                passed &= c.verdict().passed();
                if (recordSpread && c.verdict().basis() == CellVerdict.Basis.CROSS_CONFIGURATION) {
                    measured.addAll(ConfigurationSpread.rowsOf(c.verdict(), configuration(c.run(), job)));
                }
                print(stdout, c);
                csvRows(printer, c);
            }
        }
        stdout.println(passed ? "every cell agrees with its golden"
                : "some cells differ from their goldens (above)");
        if (recordSpread) {
            ConfigurationSpread.merge(ConfigurationSpread.besides(golden), measured);
            stdout.println(measured.size() + " rows added to " + ConfigurationSpread.besides(golden));
        }
        if (out != null) {
            AtomicFiles.writeString(out, csv.toString());
            stdout.println("results written to " + out);
        }
        stdout.flush();
        return passed ? 0 : 1;
    }

    private Checked check(JobCell jobCell, JobSpec job, GoldenFile goldens, ConfigurationSpread spread,
            CellScoring scoring) throws IOException {
        Cell cell = JobCells.cell(jobCell);
        CellRun run = CellFiles.read(cells, jobCell);
        CellOutcome outcome = scoring.outcome(JobCells.decoded(cell, run));
        RunEnvironment env = new RunEnvironment(run.outputs().device(), run.origin().backend(),
                run.origin().modelSha256(), run.origin().fixturesSha256());
        CellVerdict verdict = GoldenCheck.check(outcome, new GoldenCheck.Context(goldens, spread,
                configuration(run, job), env, scoring::score,
                PairedBootstrap.Config.defaults(), "the ablation suite's update mode (golden/README.md)"));
        if (against == null) {
            return new Checked(run, verdict, null, null);
        }
        CellRun otherRun = CellFiles.read(against, jobCell);
        return new Checked(run, verdict, otherRun, scoring.outcome(JobCells.decoded(cell, otherRun)));
    }

    /** Where the cells were decoded, as far as their files say: never equal to a golden made by the suite. */
    static DecodeConfiguration configuration(CellRun run, JobSpec job) {
        int threads = job.intraOpThreads() > 0 ? job.intraOpThreads() : Runtime.getRuntime().availableProcessors();
        return new DecodeConfiguration(RUNNER, run.outputs().device(), run.origin().backend(), CPU_NOT_RECORDED,
                threads, run.outputs().batchSize());
    }

    private static int identical(CellOutcome a, CellOutcome b) {
        List<String> x = a.outputs();
        List<String> y = b.outputs();
        if (x.size() != y.size()) {
            throw new IllegalArgumentException(a.cell().id() + ": " + x.size() + " outputs against " + y.size()
                    + " in the other run; both runs must decode the same prompts");
        }
        int same = 0;
        for (int i = 0; i < x.size(); i++) {
            same += Objects.equals(x.get(i), y.get(i)) ? 1 : 0;
        }
        return same;
    }

    private static void print(PrintWriter stdout, Checked c) {
        CellVerdict v = c.verdict();
        CellOutcome o = v.outcome();
        stdout.printf(Locale.ROOT, "%s (%s): %d samples on %s (%s), %s; %d prompts differ from the golden%s%n",
                o.cell().displayName(), o.cell().id(), o.sampleCount(), o.device(), c.run().origin().backend(),
                basis(v), v.changed().size(), c.other() == null ? ""
                        : String.format(Locale.ROOT, "; against %s (%s): %d/%d outputs identical",
                                c.other().device(), c.otherRun().origin().backend(), identical(o, c.other()),
                                o.sampleCount()));
        for (MetricCheck m : v.checks()) {
            String versus = "";
            if (c.other() != null && SuiteMetrics.ALL.contains(m.quantity())) {
                PairedBootstrap.Result r = compare(c, m.quantity());
                versus = String.format(Locale.ROOT, "; minus the other run %+.4g [%+.4g, %+.4g]",
                        r.observedDifference(), r.ciLower(), r.ciUpper());
            }
            stdout.printf(Locale.ROOT, "  %-15s %.6g  golden %.6g  %s  %s%s%n", m.quantity(), m.actual(), m.expected(),
                    m.rule(), m.passed() ? "ok" : "FAILED", versus);
        }
        if (!v.passed()) {
            stdout.println("    " + v.failureMessage().replace("\n", "\n    "));
        }
    }

    private static String basis(CellVerdict v) {
        return v.basis().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static PairedBootstrap.Result compare(Checked c, String metric) {
        return PairedBootstrap.compare(c.other().metric(metric), c.verdict().outcome().metric(metric),
                PairedBootstrap.Config.defaults());
    }

    private static void csvRows(CSVPrinter printer, Checked c) throws IOException {
        CellVerdict v = c.verdict();
        CellOutcome o = v.outcome();
        if (v.checks().isEmpty()) {
            printer.printRecord(o.cell().id(), "", o.device(), c.run().origin().backend(), o.sampleCount(), "",
                    v.passed(), basis(v), "", "", "", v.note(), "", "", "", "", "", "", "", "", "", "", "");
            return;
        }
        for (MetricCheck m : v.checks()) {
            List<Object> record = new java.util.ArrayList<>(List.of(o.cell().id(), m.quantity(), o.device(),
                    c.run().origin().backend(), o.sampleCount(), m.actual(), m.passed(), basis(v), m.expected(),
                    m.lower(), m.upper(), m.rule(), v.changed().size()));
            if (m.paired().isPresent()) {
                PairedBootstrap.Result g = m.paired().get();
                record.addAll(List.of(g.observedDifference(), g.ciLower(), g.ciUpper()));
            } else {
                record.addAll(List.of("", "", ""));
            }
            if (c.other() != null && SuiteMetrics.ALL.contains(m.quantity())) {
                PairedBootstrap.Result r = compare(c, m.quantity());
                record.addAll(List.of(c.other().device(), r.baselineScore(), r.observedDifference(), r.ciLower(),
                        r.ciUpper(), r.pValue(), identical(o, c.other())));
            } else {
                record.addAll(List.of("", "", "", "", "", "", c.other() == null ? "" : identical(o, c.other())));
            }
            printer.printRecord(record);
        }
    }
}
