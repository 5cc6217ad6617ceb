package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * Holds a cell's outcome against its golden ({@code golden/README.md}, "How a cell is checked").
 *
 * <ul>
 *   <li>On the golden's own configuration ({@link DecodeConfiguration} equal): every prompt's tokens and text must
 *       be identical, and the metrics, average bits, bytes per token and resident bytes equal to the golden's (the
 *       metrics to their last digits, {@link ConfigurationSpread#floor}). A failure names the changed prompts and the
 *       paired difference of each metric with its interval.
 *   <li>On another configuration: each metric's paired bootstrap 95% interval of new − golden on the same prompts
 *       must lie within ± the tolerance measured over the configuration grid ({@link ConfigurationSpread}); average
 *       bits and bytes per token must differ by at most their tolerance (a schedule may switch at another step
 *       when the logits move); resident bytes must be equal.
 * </ul>
 */
public final class GoldenCheck {

    private GoldenCheck() {}

    /** Scores golden texts against the outcome's references the way the outcome was scored. */
    @FunctionalInterface
    public interface Rescorer {
        List<MetricResult> score(CellOutcome outcome, List<String> hypotheses);
    }

    /**
     * What a check needs besides the outcome.
     *
     * @param configuration the configuration this run decoded on
     * @param howToUpdate the command that (re)creates the cell's golden, quoted when it has none
     */
    public record Context(GoldenFile goldens, ConfigurationSpread spread, DecodeConfiguration configuration,
            RunEnvironment environment, Rescorer rescorer, PairedBootstrap.Config bootstrap, String howToUpdate) {
        public Context {
            Objects.requireNonNull(goldens, "goldens");
            Objects.requireNonNull(spread, "spread");
            Objects.requireNonNull(configuration, "configuration");
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(rescorer, "rescorer");
            Objects.requireNonNull(bootstrap, "bootstrap");
        }
    }

    public static CellVerdict check(CellOutcome outcome, Context ctx) {
        Cell cell = outcome.cell();
        Optional<GoldenFile.Located> found = ctx.goldens().find(cell.id());
        if (found.isEmpty()) {
            return new CellVerdict(outcome, CellVerdict.Basis.MISSING_GOLDEN, found, List.of(), List.of(),
                    "no golden row for cell " + cell.id() + " in " + ctx.goldens().file() + "; create it by running"
                            + " this cell with -Dgolden.update=true, e.g. " + ctx.howToUpdate());
        }
        GoldenFile.Located located = found.get();
        GoldenRow row = located.row();
        if (row.samples() != outcome.sampleCount()) {
            return notComparable(outcome, found, String.format(Locale.ROOT, "golden row %s was decoded on %d prompts,"
                    + " this run on %d; run with the golden's count (-Dpmpd.samples=%d) or regenerate it with"
                    + " -Dgolden.update=true", located.where(), row.samples(), outcome.sampleCount(), row.samples()));
        }
        GoldenOutputs golden;
        try {
            golden = GoldenOutputs.read(located.outputsFile());
        } catch (IllegalArgumentException e) {
            return notComparable(outcome, found, "golden row " + located.where() + ": " + e.getMessage());
        }
        Optional<String> mismatch = promptMismatch(golden, outcome.samples());
        if (mismatch.isPresent()) {
            return notComparable(outcome, found, located.outputsFile() + " (" + located.where() + "): "
                    + mismatch.get() + "; regenerate the golden with -Dgolden.update=true");
        }
        List<PromptDiff> changed = diffs(golden, outcome.samples());
        String refs = referencesSha256(outcome.references());
        boolean sameReferences = refs.equals(row.referencesSha256());
        boolean identical = changed.isEmpty() && sameReferences;
        List<MetricResult> goldenScores = identical ? List.of() : ctx.rescorer().score(outcome, golden.texts());
        String provenance = provenanceNote(row, ctx.environment());
        if (row.configuration().equals(ctx.configuration())) {
            List<MetricCheck> checks = new ArrayList<>();
            for (String m : SuiteMetrics.ALL) {
                Optional<PairedBootstrap.Result> paired = identical ? Optional.empty()
                        : Optional.of(paired(goldenScores, outcome, m, ctx.bootstrap()));
                checks.add(exact(m, outcome.value(m), row.metric(m), ConfigurationSpread.floor(m), paired));
            }
            checks.add(exact("average_bits", outcome.averageBits(), row.averageBits(), 0, Optional.empty()));
            checks.add(exact("bytes_per_token", outcome.bytesPerToken(), row.bytesPerToken(), 0, Optional.empty()));
            checks.add(exact("resident_bytes", outcome.residentBytes(), row.residentBytes(), 0, Optional.empty()));
            if (!sameReferences) {
                checks.add(new MetricCheck("references", Double.NaN, Double.NaN, Double.NaN, Double.NaN, false,
                        Optional.empty(), "identical", "references changed: the texts the outputs are scored"
                                + " against hash to " + refs.substring(0, 12) + ", the golden's to "
                                + row.referencesSha256().substring(0, 12) + " (debchat's are the full-precision"
                                + " model's outputs, decoded again each run)"));
            }
            return new CellVerdict(outcome, CellVerdict.Basis.REFERENCE, found, changed, checks, provenance);
        }
        List<MetricCheck> checks = new ArrayList<>();
        for (String m : SuiteMetrics.ALL) {
            if (identical) {
                checks.add(exact(m, outcome.value(m), row.metric(m), ConfigurationSpread.floor(m), Optional.empty()));
            } else {
                checks.add(withinTolerance(m, outcome, row, paired(goldenScores, outcome, m, ctx.bootstrap()), ctx));
            }
        }
        checks.add(scheduleQuantity("average_bits", outcome.averageBits(), row.averageBits(), cell, ctx));
        checks.add(scheduleQuantity("bytes_per_token", outcome.bytesPerToken(), row.bytesPerToken(), cell, ctx));
        checks.add(exact("resident_bytes", outcome.residentBytes(), row.residentBytes(), 0, Optional.empty()));
        String note = "golden decoded on [" + row.configuration().key() + "], this run on ["
                + String.join(", ", row.configuration().differencesTo(ctx.configuration())) + "]"
                + (sameReferences ? "" : "; the references differ from the golden's too, so both are scored against"
                        + " this run's") + (provenance.isEmpty() ? "" : "; " + provenance);
        return new CellVerdict(outcome, CellVerdict.Basis.CROSS_CONFIGURATION, found, changed, checks, note);
    }

    private static CellVerdict notComparable(CellOutcome outcome, Optional<GoldenFile.Located> found, String why) {
        return new CellVerdict(outcome, CellVerdict.Basis.NOT_COMPARABLE, found, List.of(), List.of(), why);
    }

    /** Why the golden's prompts cannot be paired with the run's, if they cannot. */
    static Optional<String> promptMismatch(GoldenOutputs golden, List<SampleOutput> samples) {
        if (golden.size() != samples.size()) {
            return Optional.of("the golden outputs list " + golden.size() + " prompts, this run decoded "
                    + samples.size());
        }
        for (int i = 0; i < samples.size(); i++) {
            String g = golden.prompts().get(i).id();
            if (!g.equals(samples.get(i).id())) {
                return Optional.of("prompt " + (i + 1) + " is " + g + " in the golden outputs but " + samples.get(i).id()
                        + " in this run (other fixtures?)");
            }
        }
        return Optional.empty();
    }

    static List<PromptDiff> diffs(GoldenOutputs golden, List<SampleOutput> samples) {
        List<PromptDiff> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            GoldenOutputs.Prompt g = golden.prompts().get(i);
            SampleOutput s = samples.get(i);
            if (!g.matches(s)) {
                out.add(new PromptDiff(s.id(), g.text(), s.output(),
                        !g.tokens().equals(GoldenOutputs.tokenHash(s.tokens()))));
            }
        }
        return out;
    }

    /** SHA-256 of the reference texts, each followed by a newline. */
    public static String referencesSha256(List<String> references) {
        StringBuilder b = new StringBuilder();
        references.forEach(r -> b.append(r).append('\n'));
        return Hashes.sha256Hex(b.toString());
    }

    private static PairedBootstrap.Result paired(List<MetricResult> goldenScores, CellOutcome outcome, String metric,
            PairedBootstrap.Config bootstrap) {
        MetricResult golden = goldenScores.stream().filter(r -> r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new IllegalStateException("rescoring the golden outputs gave no " + metric));
        return PairedBootstrap.compare(golden, outcome.metric(metric), bootstrap);
    }

    private static MetricCheck exact(String quantity, double actual, double expected, double floor,
            Optional<PairedBootstrap.Result> paired) {
        boolean ok = MetricCheck.same(actual, expected) || Math.abs(actual - expected) <= floor;
        String rule = floor == 0 ? "exact" : String.format(Locale.ROOT, "equal to within %.0e", floor);
        return new MetricCheck(quantity, actual, expected, expected - floor, expected + floor, ok, paired, rule,
                ok ? "" : String.format(Locale.ROOT, "%s = %s, golden %s (%s; off by %.4g)", quantity,
                        Double.toString(actual), Double.toString(expected), rule, actual - expected));
    }

    private static MetricCheck withinTolerance(String metric, CellOutcome outcome, GoldenRow row,
            PairedBootstrap.Result paired, Context ctx) {
        Optional<ConfigurationSpread.Tolerance> tol = ctx.spread().tolerance(outcome.cell().task(), metric);
        double expected = row.metric(metric);
        if (tol.isEmpty()) {
            return new MetricCheck(metric, outcome.value(metric), expected, expected, expected, false,
                    Optional.of(paired), "no tolerance", String.format(Locale.ROOT, "%s moved (%s) and no"
                            + " configuration spread is recorded for task %s in %s, so no tolerance exists; update"
                            + " mode measures it over the configuration grid (golden/README.md)", metric,
                    CellVerdict.pairedText(metric, paired), outcome.cell().task().id(), ctx.spread().file()));
        }
        double t = tol.get().value();
        boolean ok = paired.ciLower() >= -t && paired.ciUpper() <= t;
        String rule = String.format(Locale.ROOT, "95%% CI of new − golden within ±%.4g", t);
        return new MetricCheck(metric, outcome.value(metric), expected, expected - t, expected + t, ok,
                Optional.of(paired), rule, ok ? "" : String.format(Locale.ROOT, "%s: paired difference new − golden"
                        + " %+.4g, 95%% CI [%+.4g, %+.4g], reaches outside ±%.4g (%s; tolerance %s × the largest"
                        + " excursion %.4g of %d rows measured on task %s, %s)", metric, paired.observedDifference(),
                        paired.ciLower(), paired.ciUpper(), t, rule, ConfigurationSpread.FACTOR,
                        tol.get().largest().excursion(), tol.get().rows(), tol.get().task(), ctx.spread().file()));
    }

    private static MetricCheck scheduleQuantity(String quantity, double actual, double expected, Cell cell,
            Context ctx) {
        if (MetricCheck.same(actual, expected)) {
            return new MetricCheck(quantity, actual, expected, expected, expected, true, Optional.empty(), "exact", "");
        }
        Optional<ConfigurationSpread.Tolerance> tol = ctx.spread().tolerance(cell.task(), quantity);
        double t = tol.map(ConfigurationSpread.Tolerance::value).orElse(0.0);
        boolean ok = tol.isPresent() && Math.abs(actual - expected) <= t;
        String rule = tol.isPresent() ? String.format(Locale.ROOT, "within ±%.4g (configuration grid)", t)
                : "exact (no configuration spread recorded for task " + cell.task().id() + ")";
        return new MetricCheck(quantity, actual, expected, expected - t, expected + t, ok, Optional.empty(), rule,
                ok ? "" : String.format(Locale.ROOT, "%s = %s, golden %s (off by %.4g; %s)", quantity,
                        Double.toString(actual), Double.toString(expected), actual - expected, rule));
    }

    /** When the golden came from another model or fixtures, that is the likeliest reason outputs moved. */
    private static String provenanceNote(GoldenRow row, RunEnvironment env) {
        List<String> notes = new ArrayList<>();
        if (!row.modelSha256().equals(env.modelSha256())) {
            notes.add("model " + shortHash(row.modelSha256()) + " -> " + shortHash(env.modelSha256()));
        }
        if (!row.fixturesSha256().equals(env.fixturesSha256())) {
            notes.add("fixtures " + shortHash(row.fixturesSha256()) + " -> " + shortHash(env.fixturesSha256()));
        }
        return notes.isEmpty() ? "" : "the golden was made from other inputs: " + String.join(", ", notes);
    }

    private static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
