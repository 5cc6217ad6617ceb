package org.pmpdrepro.suite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One cell's golden: where its outputs are, and everything the suite asserts about it, with the configuration and
 * inputs it was measured on. Written by update mode, never by hand.
 *
 * @param samples how many prompts were decoded
 * @param outputs the cell's {@link GoldenOutputs} file, relative to the golden CSV's folder
 * @param referencesSha256 SHA-256 of the reference texts the outputs were scored against, one per line (debchat's
 *     are the full-precision model's outputs, so a changed full-precision decode shows here)
 * @param averageBits the paper's average bit-width, exact
 * @param bytesPerToken mean weight bytes one decode step read, exact; NaN where the back-bone cannot account
 * @param residentBytes quantized-matrix bytes resident for the pair, exact; NaN where the back-bone cannot account
 * @param metrics metric name → corpus score, one per {@link SuiteMetrics#ALL}
 * @param configuration the configuration the outputs were decoded on
 * @param commit the commit the run was made from ({@code unknown} outside a git checkout)
 * @param date ISO-8601 date of the run
 */
public record GoldenRow(String ablation, String cell, int samples, String outputs, String referencesSha256,
        double averageBits, double bytesPerToken, double residentBytes, Map<String, Double> metrics,
        DecodeConfiguration configuration, String modelSha256, String fixturesSha256, String commit, String date) {

    public GoldenRow {
        Objects.requireNonNull(ablation, "ablation");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(referencesSha256, "referencesSha256");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(fixturesSha256, "fixturesSha256");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(date, "date");
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        if (!metrics.keySet().equals(new java.util.LinkedHashSet<>(SuiteMetrics.ALL))) {
            throw new IllegalArgumentException("golden row " + cell + ": metrics " + metrics.keySet() + "; expected "
                    + SuiteMetrics.ALL);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("golden row " + cell + ": sample count " + samples
                    + "; expected at least 1");
        }
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("golden row " + cell + " has no metric '" + name + "'; it has "
                    + metrics.keySet());
        }
        return v;
    }
}
