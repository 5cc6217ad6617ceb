package org.pmpdrepro.suite;

import java.util.Locale;
import java.util.Objects;

/**
 * One golden value: a metric of one cell, its tolerance band and where it came from.
 *
 * @param source {@code run} (measured by this project's update mode) or {@code paper} (cited)
 * @param spread the numerical spread the band was derived from (|difference| between two numerical
 *     configurations); NaN for paper rows
 * @param standardError the metric's bootstrap standard error over the cell's samples; NaN for paper rows
 * @param commit the commit the run was made from ({@code unknown} outside a git checkout)
 * @param date ISO-8601 date of the run
 * @param samples how many prompts were scored
 */
public record GoldenRow(String ablation, String cell, String metric, double expected, double absTolerance,
        double relTolerance, double spread, double standardError, Source source, String device, String backend,
        String modelSha256, String fixturesSha256, String commit, String date, int samples) {

    /** Who produced a golden value. */
    public enum Source {
        RUN,
        PAPER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Source fromId(String id) {
            return switch (id.strip()) {
                case "run" -> RUN;
                case "paper" -> PAPER;
                default -> throw new IllegalArgumentException("source '" + id + "': expected run or paper");
            };
        }
    }

    public GoldenRow {
        Objects.requireNonNull(ablation, "ablation");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(fixturesSha256, "fixturesSha256");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(date, "date");
        band(expected, absTolerance, relTolerance); // validates
        if (samples < 1) {
            throw new IllegalArgumentException("golden row " + cell + " " + metric + ": sample count " + samples
                    + "; expected at least 1");
        }
    }

    private static Band band(double expected, double abs, double rel) {
        return new Band(expected, abs, rel);
    }

    public Band band() {
        return band(expected, absTolerance, relTolerance);
    }

    /** The key a row is found by. */
    public Key key() {
        return new Key(cell, metric);
    }

    /** A cell id and metric name; the cell id already names the ablation. */
    public record Key(String cell, String metric) {
        @Override
        public String toString() {
            return cell + " " + metric;
        }
    }
}
