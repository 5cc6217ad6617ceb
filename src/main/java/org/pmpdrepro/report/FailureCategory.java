package org.pmpdrepro.report;

import java.util.Optional;

/**
 * Why a cell failed, as the report's categories tell it apart. The suite starts its failure messages with a
 * category's {@link #prefix()} and {@code allure-config/categories.json} matches on the same prefixes, so a
 * failure lands in its category without the report knowing the suite's exception types.
 */
public enum FailureCategory {
    /** On the configuration the golden was made on, the decode changed: the regression the suite exists to catch. */
    OUTPUTS_CHANGED("Outputs changed", FailureCategory.OUTPUTS_CHANGED_PREFIX),
    /** On another configuration, a paired difference from the golden left the measured cross-configuration tolerance. */
    OUT_OF_TOLERANCE("Outside cross-configuration tolerance", FailureCategory.OUT_OF_TOLERANCE_PREFIX),
    /** A pre-registered claim's verdict differs from its committed expected verdict. */
    CLAIM_CHANGED("Claim verdict changed", FailureCategory.CLAIM_CHANGED_PREFIX),
    /** A claim that could not be decided in this run (an arm not in the grid, or a partial family): skipped. */
    CLAIM_NOT_RUN("Claim not run", FailureCategory.CLAIM_NOT_RUN_PREFIX),
    /** No golden row for a cell (or no expected verdict for a claim): a new cell, or a golden file that lost rows. */
    MISSING_GOLDEN("Missing golden row", FailureCategory.MISSING_GOLDEN_PREFIX),
    /** The machinery around the measurement failed: files, devices, engines, caches. */
    INFRASTRUCTURE("Infrastructure error", FailureCategory.INFRASTRUCTURE_PREFIX),
    /** The quantized decoder itself threw while building or decoding. */
    DECODER_CRASH("Decoder crash", FailureCategory.DECODER_CRASH_PREFIX);

    public static final String OUTPUTS_CHANGED_PREFIX = "outputs changed:";
    public static final String OUT_OF_TOLERANCE_PREFIX = "outside tolerance:";
    public static final String CLAIM_CHANGED_PREFIX = "claim verdict changed:";
    public static final String CLAIM_NOT_RUN_PREFIX = "claim not run:";
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
