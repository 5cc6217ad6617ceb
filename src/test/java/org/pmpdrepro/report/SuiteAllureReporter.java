package org.pmpdrepro.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellVerdict;
import org.pmpdrepro.suite.MetricCheck;
import org.pmpdrepro.suite.PaperClaim;

/**
 * The suite's report hook, filled in with Allure (registered as a service in the test resources): each checked
 * cell gets its parameters, the metric-vs-golden table with links to the golden rows, the first prompts with
 * outputs and references, the precision traces as a chart and the per-sample scores; each ablation its findings.
 */
public final class SuiteAllureReporter implements org.pmpdrepro.suite.CellReporter {

    /** Policy names carry their budget ({@code haq-4}, {@code bit-mixer-3.5}); the chart plots that. */
    private static final Pattern TRAILING_BITS = Pattern.compile(".*?(\\d+(?:\\.\\d+)?)(?:bit)?$");

    @Override
    public void cellChecked(CellVerdict verdict) {
        AllureCellReporter allure = AllureCellReporter.current();
        CellOutcome outcome = verdict.outcome();
        Cell cell = outcome.cell();
        allure.parameters(new CellParameters(cell.ablation().id(), cell.task().id(), cell.backbone(),
                cell.pair().toString(), cell.scheduler()));
        // The runner has finished by now (decodes are shared across cells), so the steps record its measured phases.
        CellOutcome.Timings t = outcome.timings();
        long passed = verdict.checks().stream().filter(MetricCheck::passed).count();
        recorded(allure, String.format(Locale.ROOT, "build decoder: %s on %s (%.1f s%s)", cell.backbone(),
                outcome.device(), t.buildSeconds(), t.buildSeconds() == 0 ? ", built by an earlier cell" : ""));
        recorded(allure, String.format(Locale.ROOT, "decode: %d prompts, %s (%.1f s%s)", outcome.sampleCount(),
                outcome.plan(), t.decodeSeconds(), t.decodeShared() ? ", shared with an earlier cell" : ""));
        recorded(allure, String.format(Locale.ROOT, "score: %d metrics against the %s (%.1f s)",
                outcome.metrics().size(), outcome.referencesLabel(), t.scoreSeconds()));
        recorded(allure, String.format(Locale.ROOT, "compare with goldens: %d of %d metrics within their bands",
                passed, verdict.checks().size()));
        List<MetricOutcome> rows = new ArrayList<>();
        for (MetricCheck c : verdict.checks()) {
            rows.add(c.golden().map(g -> new MetricOutcome(c.metric(), c.actual(), g.row().expected(),
                    g.row().band().lower(), g.row().band().upper(), c.passed(),
                    new GoldenRef(g.file().toString(), g.line())))
                    .orElseGet(() -> new MetricOutcome(c.metric(), c.actual(), Double.NaN, Double.NaN, Double.NaN,
                            c.passed(), null)));
        }
        allure.attachOutcome(rows);
        List<SampleText> texts = new ArrayList<>();
        List<PrecisionTrace> traces = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < outcome.samples().size(); i++) {
            SampleOutput s = outcome.samples().get(i);
            ids.add(s.id());
            texts.add(new SampleText(s.id(), s.prompt(), s.output(), outcome.references().get(i)));
            if (!s.trace().isEmpty()) {
                traces.add(new PrecisionTrace(s.id(), s.trace().stream().map(SuiteAllureReporter::bits).toList()));
            }
        }
        allure.attachSamples(texts, AllureCellReporter.defaultSampleLimit());
        if (!traces.isEmpty()) {
            allure.attachTraces(cell.displayName() + " — precision per step (" + outcome.plan() + ")", traces);
        }
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        for (MetricResult m : outcome.metrics()) {
            scores.put(m.metric(), m.sampleScores());
        }
        allure.attachScores(SampleScoreTable.of(ids, scores));
    }

    @Override
    public void ablationFindings(Ablation ablation, List<org.pmpdrepro.suite.Finding> findings) {
        List<Finding> rows = new ArrayList<>();
        for (org.pmpdrepro.suite.Finding f : findings) {
            Cell base = f.comparison().baseline();
            Cell sys = f.comparison().system();
            rows.add(new Finding(ablation.id(), base.task().id() + " " + base.pair(),
                    sys.backbone() + " · " + sys.scheduler(), base.backbone() + " · " + base.scheduler(), f.metric(),
                    f.difference(), f.ciLower(), f.ciUpper(), direction(f.claim())));
        }
        AllureCellReporter.current().attachFindings(ablation.title(), rows);
    }

    private static void recorded(AllureCellReporter allure, String step) {
        try {
            allure.step(step, () -> null);
        } catch (Exception e) {
            throw new IllegalStateException("could not record report step '" + step + "'", e);
        }
    }

    private static Finding.Direction direction(PaperClaim claim) {
        return switch (claim.direction()) {
            case HIGHER -> Finding.Direction.TREATMENT_HIGHER;
            case LOWER -> Finding.Direction.CONTROL_HIGHER;
            default -> Finding.Direction.NONE;
        };
    }

    private static double bits(String label) {
        if (label.equals(Precision.FULL.label())) {
            return Precision.FULL.averageBits();
        }
        Matcher m = TRAILING_BITS.matcher(label);
        return m.matches() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
