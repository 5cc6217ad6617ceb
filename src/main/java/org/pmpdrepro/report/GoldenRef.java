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

    /** {@code file#Lline}: the row as a path in a repository's file view. */
    public String anchor() {
        return file + "#L" + line;
    }

    /**
     * The row's address by an Allure link pattern ({@code allure.link.golden.pattern}), in which {@code {}} stands
     * for {@link #anchor()}: with a repository's file-view address, a link to the row.
     */
    public String url(String pattern) {
        return pattern.replace("{}", anchor());
    }
}
