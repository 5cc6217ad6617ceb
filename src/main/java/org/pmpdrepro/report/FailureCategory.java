package org.pmpdrepro.report;

import java.util.Optional;

/**
 * Why a cell failed, as the report's categories tell it apart. The suite starts its failure messages with a
 * category's {@link #prefix()} and {@code allure-config/categories.json} matches on the same prefixes, so a
 * failure lands in its category without the report knowing the suite's exception types.
 */
public enum FailureCategory {
    /** A metric left its golden tolerance band: the regression the suite exists to catch. */
    METRIC_OUT_OF_BAND("Metric out of band", FailureCategory.METRIC_OUT_OF_BAND_PREFIX),
    /** No golden row for a cell and metric: a new cell, or a golden file that lost rows. */
    MISSING_GOLDEN("Missing golden row", FailureCategory.MISSING_GOLDEN_PREFIX),
    /** The machinery around the measurement failed: files, devices, engines, caches. */
    INFRASTRUCTURE("Infrastructure error", FailureCategory.INFRASTRUCTURE_PREFIX),
    /** The quantized decoder itself threw while building or decoding. */
    DECODER_CRASH("Decoder crash", FailureCategory.DECODER_CRASH_PREFIX);

    public static final String METRIC_OUT_OF_BAND_PREFIX = "metric out of band:";
    public static final String MISSING_GOLDEN_PREFIX = "missing golden row:";
    public static final String INFRASTRUCTURE_PREFIX = "infrastructure error:";
    public static final String DECODER_CRASH_PREFIX = "decoder crash:";

    private final String displayName;
    private final String prefix;

    FailureCategory(String displayName, String prefix) {
        this.displayName = displayName;
        this.prefix = prefix;
    }

    /** The category's name in the report (the {@code name} of its entry in categories.json). */
    public String displayName() {
        return displayName;
    }

    /** What a failure message of this category starts with. */
    public String prefix() {
        return prefix;
    }

    /** {@code detail} prefixed so that the report files it under this category. */
    public String message(String detail) {
        return prefix + " " + detail;
    }

    /** The category whose prefix starts {@code message}, if any (leading whitespace ignored). */
    public static Optional<FailureCategory> of(String message) {
        if (message == null) {
            return Optional.empty();
        }
        String trimmed = message.stripLeading();
        for (FailureCategory c : values()) {
            if (trimmed.startsWith(c.prefix)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
