package org.pmpdrepro.data;

import java.util.Objects;

/**
 * One paragraph of a long description.
 *
 * @param text normalised text; lines of a verbatim paragraph stay separated by {@code \n}
 * @param verbatim true when any line was preformatted (indented by two or more spaces: lists, code)
 */
public record Paragraph(String text, boolean verbatim) {
    public Paragraph {
        Objects.requireNonNull(text, "text");
    }
}
