package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
import org.pmpdrepro.suite.GoldenCheck;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.MetricCheck;
import org.pmpdrepro.suite.RunEnvironment;
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
            "goldens; with --against, compare them sample by sample with another run of the same job.",
            "Exit code 0 when every metric of every cell is inside its golden band, 1 otherwise."
        })
public final class CheckCellsCommand implements Callable<Integer> {

    static final List<String> CSV_HEADER = List.of("cell", "metric", "device", "backend", "samples", "value",
            "status", "golden_expected", "golden_abs_tolerance", "golden_device", "against_device", "against_value",
            "difference", "ci_lower", "ci_upper", "p_value", "identical_outputs");

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

    @Option(names = "--out", paramLabel = "FILE", description = "Also write one CSV row per cell and metric here.")
    Path out;

    /** One cell's run scored, its verdict, and (with {@code --against}) the other run scored. */
    private record Checked(CellRun run, CellVerdict verdict, CellRun otherRun, CellOutcome other) {}

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            JobSpec job = JobSpec.read(jobFile);
            GoldenFile goldens = GoldenFile.read(golden);
            CellScoring scoring = CellScoring.defaults();
            StringWriter csv = new StringWriter();
            boolean passed = true;
            try (CSVPrinter printer = new CSVPrinter(csv, CSVFormat.DEFAULT.builder().setRecordSeparator("\n")
                    .get())) {
                printer.printRecord(CSV_HEADER);
                for (JobCell jobCell : job.cells()) {
                    Checked c = check(jobCell, goldens, scoring);
                    passed &= c.verdict().passed();
                    print(stdout, c);
                    csvRows(printer, c);
                }
            }
            stdout.println(passed ? "every metric of every cell is inside its golden band"
                    : "some metrics are outside their golden bands (above)");
            if (out != null) {
                AtomicFiles.writeString(out, csv.toString());
                stdout.println("results written to " + out);
            }
            stdout.flush();
            return passed ? 0 : 1;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pmpd check-cells: error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private Checked check(JobCell jobCell, GoldenFile goldens, CellScoring scoring) throws IOException {
        Cell cell = JobCells.cell(jobCell);
        CellRun run = CellFiles.read(cells, jobCell);
        CellOutcome outcome = scoring.outcome(JobCells.decoded(cell, run));
        RunEnvironment env = new RunEnvironment(run.outputs().device(), run.origin().backend(),
                run.origin().modelSha256(), run.origin().fixturesSha256());
        CellVerdict verdict = GoldenCheck.check(outcome, goldens, env,
                "the ablation suite's update mode (golden/README.md)");
        if (against == null) {
            return new Checked(run, verdict, null, null);
        }
        CellRun otherRun = CellFiles.read(against, jobCell);
        return new Checked(run, verdict, otherRun, scoring.outcome(JobCells.decoded(cell, otherRun)));
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
        CellOutcome o = c.verdict().outcome();
        stdout.printf(Locale.ROOT, "%s (%s): %d samples on %s (%s)%s%n", o.cell().displayName(), o.cell().id(),
                o.sampleCount(), o.device(), c.run().origin().backend(), c.other() == null ? ""
                        : String.format(Locale.ROOT, "; against %s (%s): %d/%d outputs identical",
                                c.other().device(), c.otherRun().origin().backend(), identical(o, c.other()),
                                o.sampleCount()));
        for (MetricCheck m : c.verdict().checks()) {
            String golden = m.golden().map(g -> String.format(Locale.ROOT, "golden %.6g ± %.3g (%s)",
                    g.row().expected(), g.row().band().halfWidth(), g.row().device())).orElse("no golden row");
            String versus = "";
            if (c.other() != null) {
                PairedBootstrap.Result r = compare(c, m.metric());
                versus = String.format(Locale.ROOT, "; minus the other run %+.4g [%+.4g, %+.4g]",
                        r.observedDifference(), r.ciLower(), r.ciUpper());
            }
            stdout.printf(Locale.ROOT, "  %-9s %.6g  %s  %s%s%n", m.metric(), m.actual(), golden,
                    m.passed() ? "in band" : m.status().name(), versus);
            if (!m.passed()) {
                stdout.println("    " + m.message());
            }
        }
    }

    private static PairedBootstrap.Result compare(Checked c, String metric) {
        return PairedBootstrap.compare(c.other().metric(metric), c.verdict().outcome().metric(metric),
                PairedBootstrap.Config.defaults());
    }

    private static void csvRows(CSVPrinter printer, Checked c) throws IOException {
        CellOutcome o = c.verdict().outcome();
        for (MetricCheck m : c.verdict().checks()) {
            String expected = m.golden().map(g -> Double.toString(g.row().expected())).orElse("");
            String tolerance = m.golden().map(g -> Double.toString(g.row().band().halfWidth())).orElse("");
            String goldenDevice = m.golden().map(g -> g.row().device()).orElse("");
            if (c.other() == null) {
                printer.printRecord(o.cell().id(), m.metric(), o.device(), c.run().origin().backend(),
                        o.sampleCount(), m.actual(), m.status().name(), expected, tolerance, goldenDevice, "", "", "",
                        "", "", "", "");
            } else {
                PairedBootstrap.Result r = compare(c, m.metric());
                printer.printRecord(o.cell().id(), m.metric(), o.device(), c.run().origin().backend(),
                        o.sampleCount(), m.actual(), m.status().name(), expected, tolerance, goldenDevice,
                        c.other().device(), r.baselineScore(), r.observedDifference(), r.ciLower(), r.ciUpper(),
                        r.pValue(), identical(o, c.other()));
            }
        }
    }
}
