package org.pmpdrepro.report;

/** Text made safe for one cell of a markdown table. */
final class Markdown {

    private Markdown() {}

    /** Escapes pipes and backslashes, and folds line breaks, which would otherwise end the row. */
    static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
