package org.pmpdrepro.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellVerdict;
import org.pmpdrepro.suite.ClaimCheck;
import org.pmpdrepro.suite.ClaimInstance;
import org.pmpdrepro.suite.ClaimResult;
import org.pmpdrepro.suite.MetricCheck;
import org.pmpdrepro.suite.PromptDiff;

/**
 * The suite's report hook, filled in with Allure (registered as a service in the test resources): each checked
 * cell gets its parameters, the golden comparison (quantities against their goldens with a link to the golden row,
 * and the changed prompts beside their golden text), the first prompts with outputs and references, the precision
 * traces as a chart and the per-sample scores; each claim instance its interval chart and evidence; each ablation
 * its findings and claims page.
 */
public final class SuiteAllureReporter implements org.pmpdrepro.suite.SuiteListener {

    /** Policy names carry their budget ({@code haq-4}, {@code bit-mixer-3.5}); the chart plots that. */
    private static final Pattern TRAILING_BITS = Pattern.compile(".*?(\\d+(?:\\.\\d+)?)(?:bit)?$");

    @Override
    public void cellChecked(CellVerdict verdict) {
        AllureCellReporter allure = AllureCellReporter.current();
        CellOutcome outcome = verdict.outcome();
        Cell cell = outcome.cell();
        allure.parameters(new CellParameters(cell.ablation().id(), cell.task().id(), cell.backbone(),
                cell.pair().toString(), cell.scheduler()));
        // The phases that ran for this cell are steps already, opened and closed around the work (phase()). Work an
        // earlier cell's test did and this cell reuses gets one instant step saying so.
        CellOutcome.Timings t = outcome.timings();
        if (t.decodeShared()) {
            reused(allure, String.format(Locale.ROOT, "decode reused: %d prompts under %s, decoded in an earlier"
                    + " cell's test (same task, back-bone and plan)", outcome.sampleCount(), outcome.plan()));
        }
    }

    /** The comparison's evidence, attached to the step of the comparison (which is open while this runs). */
    @Override
    public void cellCompared(CellVerdict verdict) {
        AllureCellReporter allure = AllureCellReporter.current();
        CellOutcome outcome = verdict.outcome();
        Cell cell = outcome.cell();
        List<MetricOutcome> rows = new ArrayList<>();
        GoldenRef ref = verdict.golden().map(g -> new GoldenRef(g.file().toString(), g.line() > 0 ? g.line() : 1))
                .orElse(null);
        for (MetricCheck c : verdict.checks()) {
            String rule = c.rule() + c.paired().map(r -> String.format(Locale.ROOT,
                    "; paired new − golden %+.4g [%+.4g, %+.4g]", r.observedDifference(), r.ciLower(), r.ciUpper()))
                    .orElse("");
            rows.add(new MetricOutcome(c.quantity(), c.actual(), c.expected(), c.lower(), c.upper(), c.passed(), ref,
                    rule));
        }
        if (!rows.isEmpty()) {
            allure.attachOutcome(rows);
        }
        if (!verdict.changed().isEmpty()) {
            List<SampleText> diffs = new ArrayList<>();
            Map<String, String> references = new LinkedHashMap<>();
            for (int i = 0; i < outcome.samples().size(); i++) {
                references.put(outcome.samples().get(i).id(), outcome.references().get(i));
            }
            for (PromptDiff d : verdict.changed()) {
                diffs.add(new SampleText(d.id(), d.goldenText(), d.newText(),
                        references.getOrDefault(d.id(), "")));
            }
            allure.attachChangedPrompts(diffs);
        }
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
    public void claimChecked(ClaimCheck check) {
        AllureCellReporter.current().attachClaim(row(check.result(),
                check.expected().map(e -> e.verdict().id()).orElse("")));
    }

    @Override
    public void ablationFindings(Ablation ablation, List<org.pmpdrepro.suite.Finding> findings,
            List<ClaimResult> claims) {
        List<FindingRow> rows = new ArrayList<>();
        for (org.pmpdrepro.suite.Finding f : findings) {
            Cell base = f.comparison().baseline();
            Cell sys = f.comparison().system();
            rows.add(new FindingRow(ablation.id(), base.task().id() + " " + base.pair(),
                    sys.backbone() + " · " + sys.scheduler(), base.backbone() + " · " + base.scheduler(), f.metric(),
                    f.role().id(), f.difference(), f.ciLower(), f.ciUpper(), f.minimumDetectableEffect(), f.pValue(),
                    f.pHolm(), f.agrees(), f.claimVerdict()));
        }
        AllureCellReporter allure = AllureCellReporter.current();
        allure.attachFindings(ablation.title(), rows);
        allure.attachClaims(ablation.title(), claims.stream().map(r -> row(r, "")).toList());
    }

    /** The report's view of a claim result. */
    static ClaimRow row(ClaimResult r, String expected) {
        ClaimInstance i = r.instance();
        String arms = (i.system().ablation() == Ablation.REMOVE_PRECISION_SWITCHING
                ? i.system().scheduler() + " − " + i.baseline().scheduler()
                : i.system().backbone() + " − " + i.baseline().backbone());
        String threshold = i.claim().margin().needsGap()
                ? String.format(Locale.ROOT, "−%s × gap %.4g", i.claim().margin().gapFraction(), r.gap())
                : "0";
        return new ClaimRow(i.displayName(), i.claim().statement(), arms, i.metric(), i.claim().criterion().id(),
                r.difference(), r.ciLower(), r.ciUpper(), i.claim().quality() ? r.threshold() : Double.NaN, threshold,
                r.verdict().id(), expected, r.evidence() + "; " + r.reason());
    }

    /** An instant step: work this test did not do because an earlier one had done it. */
    private static void reused(AllureCellReporter allure, String step) {
        try {
            allure.step(step, () -> null);
        } catch (Exception e) {
            throw new IllegalStateException("could not record report step '" + step + "'", e);
        }
    }

    /** A phase of the suite's work as a step of the running test, open exactly while the work runs. */
    @Override
    public <T> T phase(String name, Supplier<T> body, Function<? super T, String> named) {
        try {
            return AllureCellReporter.current().step(name, body::get, named);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("report step '" + name + "': " + e, e);
        }
    }

    private static double bits(String label) {
        if (label.equals(Precision.FULL.label())) {
            return Precision.FULL.averageBits();
        }
        Matcher m = TRAILING_BITS.matcher(label);
        return m.matches() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
