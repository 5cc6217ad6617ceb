package org.pmpdrepro.report;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Link;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.util.PropertiesUtils;
import io.qameta.allure.util.ResultsUtils;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Writes into the Allure result of the test now running: parameters and labels, steps, attachments (outcome table,
 * samples, trace chart, score CSV, findings, claims) and links to golden rows. {@link SuiteAllureReporter}, the
 * suite's listener, is its one user: the suite reports through {@code suite.SuiteListener} alone.
 *
 * <p>It talks to an {@link AllureLifecycle} rather than the static {@code Allure} facade so that a test can give
 * it a lifecycle of its own and read back what it recorded.
 */
public final class AllureCellReporter {

    /** Links to golden rows are of this Allure link type: their pattern is {@code allure.link.golden.pattern}. */
    public static final String GOLDEN_LINK_TYPE = "golden";
    private static final int SAMPLE_LIMIT_DEFAULT = 5;

    private final AllureLifecycle lifecycle;
    private final String goldenLinkPattern;

    /**
     * @param goldenLinkPattern a golden row's address, {@code {}} standing for the row's {@link GoldenRef#anchor()}
     */
    public AllureCellReporter(AllureLifecycle lifecycle, String goldenLinkPattern) {
        this.lifecycle = lifecycle;
        this.goldenLinkPattern = goldenLinkPattern;
    }

    /**
     * The reporter of the running test, with the golden rows' link pattern of Allure's own configuration
     * ({@code allure.link.golden.pattern} in {@code allure.properties}, or a system property, which wins).
     */
    public static AllureCellReporter current() {
        return new AllureCellReporter(Allure.getLifecycle(), PropertiesUtils.loadAllureProperties().getProperty(
                ResultsUtils.getLinkTypePatternPropertyName(GOLDEN_LINK_TYPE), "{}"));
    }

    /** The pattern golden rows' links are made with. */
    String goldenLinkPattern() {
        return goldenLinkPattern;
    }

    /** How many samples {@link #attachSamples} shows when the suite has no preference. */
    public static int defaultSampleLimit() {
        return SAMPLE_LIMIT_DEFAULT;
    }

    public void parameters(CellParameters cell) {
        lifecycle.updateTestCase(result -> {
            cell.asMap().forEach((name, value) ->
                    result.getParameters().add(new Parameter().setName(name).setValue(value)));
            // The Behaviors tab groups by these: ablation, then task.
            result.getLabels().add(new Label().setName("epic").setValue("PMPD ablations"));
            result.getLabels().add(new Label().setName("feature").setValue(cell.ablation()));
            result.getLabels().add(new Label().setName("story").setValue(cell.task()));
        });
    }

    public <T> T step(String name, Callable<T> body) throws Exception {
        return step(name, body, value -> name);
    }

    /**
     * Runs {@code body} inside a step opened now and closed when it returns (so the step lasts as long as the work),
     * named {@code name} while it runs and {@code named} of its value once it has returned.
     */
    public <T> T step(String name, Callable<T> body, Function<? super T, String> named) throws Exception {
        String uuid = UUID.randomUUID().toString();
        lifecycle.startStep(uuid, new StepResult().setName(name));
        try {
            T value = body.call();
            String finalName = named.apply(value);
            lifecycle.updateStep(uuid, s -> s.setName(finalName).setStatus(Status.PASSED));
            return value;
        } catch (Throwable failure) {
            lifecycle.updateStep(uuid, s -> s
                    .setStatus(ResultsUtils.getStatus(failure).orElse(Status.BROKEN))
                    .setStatusDetails(ResultsUtils.getStatusDetails(failure).orElse(null)));
            throw failure;
        } finally {
            lifecycle.stopStep(uuid);
        }
    }

    public void attachOutcome(List<MetricOutcome> outcomes) {
        attach("metrics vs golden", "text/html", "html", OutcomeTable.html("Metrics against golden rows", outcomes));
        Set<GoldenRef> rows = new LinkedHashSet<>();
        outcomes.stream().filter(o -> o.goldenRow() != null).forEach(o -> rows.add(o.goldenRow()));
        if (!rows.isEmpty()) {
            lifecycle.updateTestCase(result -> rows.forEach(row -> result.getLinks().add(
                    new Link().setName("golden " + row.label()).setType(GOLDEN_LINK_TYPE)
                            .setUrl(row.url(goldenLinkPattern)))));
        }
    }

    /** Attaches the prompts whose output differs from their golden, golden and new text side by side. */
    public void attachChangedPrompts(List<SampleText> diffs) {
        attach("changed prompts", "text/html", "html", SampleSheet.changed("Prompts whose output differs from the"
                + " golden (" + diffs.size() + ")", diffs));
    }

    public void attachSamples(List<SampleText> samples, int limit) {
        attach("samples", "text/html", "html", SampleSheet.html("Prompts, outputs and references", samples, limit));
    }

    public void attachTraces(String title, List<PrecisionTrace> traces) {
        attach("precision traces", "image/svg+xml", "svg", PrecisionTraceChart.svg(title, traces));
    }

    public void attachScores(SampleScoreTable scores) {
        attach("per-sample scores", "text/csv", "csv", scores.toCsv());
    }

    public void attachFindings(String ablation, List<FindingRow> findings) {
        attach("findings " + ablation, "text/html", "html", FindingsTable.html("Findings of " + ablation, findings));
        attach("findings " + ablation + " (markdown)", "text/markdown", "md", FindingsTable.markdown(findings));
    }

    public void attachClaim(ClaimRow claim) {
        lifecycle.updateTestCase(result -> {
            result.getParameters().add(new Parameter().setName("verdict").setValue(claim.verdict()));
            result.getParameters().add(new Parameter().setName("expected").setValue(
                    claim.expected().isEmpty() ? "none recorded" : claim.expected()));
            result.getLabels().add(new Label().setName("epic").setValue("PMPD claims"));
            result.getLabels().add(new Label().setName("tag").setValue("claim"));
        });
        attach("claim interval against threshold", "image/svg+xml", "svg", ClaimChart.svg(claim));
        attach("claim evidence", "text/html", "html", ClaimsTable.html(claim.instance(), List.of(claim)));
    }

    public void attachClaims(String ablation, List<ClaimRow> claims) {
        attach("claims " + ablation, "text/html", "html", ClaimsTable.html("Claims of " + ablation, claims));
        attach("claims " + ablation + " (markdown)", "text/markdown", "md", ClaimsTable.markdown(claims));
    }

    private void attach(String name, String type, String extension, String content) {
        lifecycle.addAttachment(name, type, extension, content.getBytes(StandardCharsets.UTF_8));
    }
}
