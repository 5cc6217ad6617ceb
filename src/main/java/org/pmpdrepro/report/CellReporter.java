package org.pmpdrepro.report;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * What an ablation cell tells the report while it runs. The suite talks only to this interface; the Allure
 * implementation lives with the tests, and {@link #none()} serves runs without a report (the command line).
 */
public interface CellReporter {

    /** Records the cell's coordinates as the test's parameters. */
    void parameters(CellParameters cell);

    /** Runs {@code body} as a named step of the cell (build decoder, decode, score, compare) and returns its value. */
    <T> T step(String name, Callable<T> body) throws Exception;

    /** Attaches the metric vs golden vs band table and links every golden row it names. */
    void attachOutcome(List<MetricOutcome> outcomes);

    /** Attaches the first {@code limit} samples with prompt, output and reference. */
    void attachSamples(List<SampleText> samples, int limit);

    /** Attaches the precision traces as an SVG chart. */
    void attachTraces(String title, List<PrecisionTrace> traces);

    /** Attaches the per-sample scores as CSV. */
    void attachScores(SampleScoreTable scores);

    /** Attaches an ablation's findings (HTML table and markdown) to the current test: its summary. */
    void attachFindings(String ablation, List<FindingRow> findings);

    /** Attaches one claim instance's interval chart and evidence to the current test (the claim's own test). */
    void attachClaim(ClaimRow claim);

    /** Attaches an ablation's claims page (every instance's verdict and chart) to the current test. */
    void attachClaims(String ablation, List<ClaimRow> claims);

    /** A reporter that runs steps and records nothing. */
    static CellReporter none() {
        return new CellReporter() {
            @Override
            public void parameters(CellParameters cell) {}

            @Override
            public <T> T step(String name, Callable<T> body) throws Exception {
                return body.call();
            }

            @Override
            public void attachOutcome(List<MetricOutcome> outcomes) {}

            @Override
            public void attachSamples(List<SampleText> samples, int limit) {}

            @Override
            public void attachTraces(String title, List<PrecisionTrace> traces) {}

            @Override
            public void attachScores(SampleScoreTable scores) {}

            @Override
            public void attachFindings(String ablation, List<FindingRow> findings) {}

            @Override
            public void attachClaim(ClaimRow claim) {}

            @Override
            public void attachClaims(String ablation, List<ClaimRow> claims) {}
        };
    }
}
