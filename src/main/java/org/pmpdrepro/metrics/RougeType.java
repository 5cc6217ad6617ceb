package org.pmpdrepro.metrics;

import java.util.Arrays;

/** The ROUGE variants of rouge_score that share its tokenizer. */
public enum RougeType {
    ROUGE_1("rouge1"),
    ROUGE_2("rouge2"),
    /** Sentence-level LCS over the whole text; newlines are ordinary whitespace. */
    ROUGE_L("rougeL"),
    /** Summary-level LCS: text split on newlines, union LCS of each reference line against all hypothesis lines. */
    ROUGE_LSUM("rougeLsum");

    private final String label;

    RougeType(String label) {
        this.label = label;
    }

    /** rouge_score's name for the type. */
    public String label() {
        return label;
    }

    public static RougeType byName(String name) {
        for (RougeType t : values()) {
            if (t.label.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ROUGE type '" + name + "'; expected one of "
                + Arrays.stream(values()).map(RougeType::label).toList());
    }
}
