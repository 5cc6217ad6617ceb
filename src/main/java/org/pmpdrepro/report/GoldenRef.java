package org.pmpdrepro.report;

/**
 * Where a golden value lives: a CSV file of {@code golden/} and the line of its row (1-based, header is line 1).
 *
 * @param file path relative to the repository root, e.g. {@code golden/ablation1.csv}
 */
public record GoldenRef(String file, long line) {

    public GoldenRef {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("golden reference: file is blank");
        }
        if (line < 1) {
            throw new IllegalArgumentException("golden reference " + file + ": line " + line + ", expected >= 1");
        }
    }

    /** {@code file:line}, the form editors and terminals open. */
    public String label() {
        return file + ":" + line;
    }

    /** {@code base + file + "#L" + line}: with a repository's file-view address as base, a link to the row. */
    public String url(String base) {
        return base + file + "#L" + line;
    }
}
