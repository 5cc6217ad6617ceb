package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Holds a cell's outcome against the golden file, metric by metric. */
public final class GoldenCheck {

    private GoldenCheck() {}

    /**
     * Checks every metric of {@link SuiteMetrics#ALL}.
     *
     * @param howToUpdate the command that (re)creates goldens, quoted in a missing-row message
     */
    public static CellVerdict check(CellOutcome outcome, GoldenFile goldens, RunEnvironment env, String howToUpdate) {
        List<MetricCheck> checks = new ArrayList<>();
        for (String metric : SuiteMetrics.ALL) {
            checks.add(checkMetric(outcome, metric, goldens, env, howToUpdate));
        }
        return new CellVerdict(outcome, checks);
    }

    private static MetricCheck checkMetric(CellOutcome outcome, String metric, GoldenFile goldens,
            RunEnvironment env, String howToUpdate) {
        double actual = outcome.value(metric);
        Cell cell = outcome.cell();
        Optional<GoldenFile.Located> found = goldens.find(cell.id(), metric);
        if (found.isEmpty()) {
            return new MetricCheck(metric, actual, MetricCheck.Status.MISSING_GOLDEN, found, String.format(Locale.ROOT,
                    "%s = %.6g has no golden row (cell %s, metric %s) in %s; create it by running this cell with"
                            + " -Dgolden.update=true, e.g. %s",
                    metric, actual, cell.id(), metric, goldens.file(), howToUpdate));
        }
        GoldenFile.Located located = found.get();
        GoldenRow row = located.row();
        if (row.samples() != outcome.sampleCount()) {
            return new MetricCheck(metric, actual, MetricCheck.Status.SAMPLE_MISMATCH, found, String.format(
                    Locale.ROOT, "%s: golden row %s was measured on %d prompts, this run scored %d; run with the"
                            + " golden's sample count (-Dpmpd.samples=%d) or regenerate it with -Dgolden.update=true",
                    metric, located.where(), row.samples(), outcome.sampleCount(), row.samples()));
        }
        Band band = row.band();
        if (band.contains(actual)) {
            return new MetricCheck(metric, actual, MetricCheck.Status.PASSED, found, "");
        }
        return new MetricCheck(metric, actual, MetricCheck.Status.OUT_OF_BAND, found, String.format(Locale.ROOT,
                "%s = %.6g is outside its band %s (off by %.3g) — golden row %s [cell %s, metric %s, source %s,"
                        + " %d samples, commit %s, %s]%s",
                metric, actual, band, actual - band.expected(), located.where(), row.cell(), row.metric(),
                row.source().id(), row.samples(), row.commit(), row.date(), provenanceNote(row, env)));
    }

    /** When the golden came from another model, fixtures or back-end, that is the likeliest reason a value moved. */
    private static String provenanceNote(GoldenRow row, RunEnvironment env) {
        List<String> notes = new ArrayList<>();
        if (!row.modelSha256().equals(env.modelSha256())) {
            notes.add("model " + shortHash(row.modelSha256()) + " -> " + shortHash(env.modelSha256()));
        }
        if (!row.fixturesSha256().equals(env.fixturesSha256())) {
            notes.add("fixtures " + shortHash(row.fixturesSha256()) + " -> " + shortHash(env.fixturesSha256()));
        }
        if (!row.backend().equals(env.backend()) || !row.device().equals(env.device())) {
            notes.add("back-end " + row.backend() + " on " + row.device() + " -> " + env.backend() + " on "
                    + env.device());
        }
        return notes.isEmpty() ? "" : "; the golden was made under different inputs: " + String.join(", ", notes);
    }

    private static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
