package org.pmpdrepro.data;

import java.util.List;
import java.util.Objects;

/**
 * One paragraph of a Debian {@code Translation-xx} list.
 *
 * @param packageName the binary package
 * @param descriptionMd5 md5 of the English original; joins a translation to it
 * @param language the {@code xx} of {@code Description-xx}
 * @param synopsis the one-line short description (normalised)
 * @param paragraphs the long description
 * @param line line number of the {@code Package} field in its file (for messages)
 */
public record DebianDescription(
        String packageName,
        String descriptionMd5,
        String language,
        String synopsis,
        List<Paragraph> paragraphs,
        long line) {

    public DebianDescription {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(descriptionMd5, "descriptionMd5");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(synopsis, "synopsis");
        paragraphs = List.copyOf(paragraphs);
    }

    /** Key joining a translation to its English original: package and md5 of the English text. */
    public String joinKey() {
        return packageName + "\u0000" + descriptionMd5;
    }

    /** First eight hex digits of the md5, enough to tell two versions of one package apart. */
    public String shortMd5() {
        return descriptionMd5.substring(0, Math.min(8, descriptionMd5.length()));
    }

    /** Non-verbatim paragraphs joined by single spaces. */
    public String proseText() {
        return String.join(" ", paragraphs.stream().filter(p -> !p.verbatim()).map(Paragraph::text).toList());
    }

    /** The plain document the language model reads: package, synopsis and every paragraph. */
    public String document() {
        String head = "Package: " + packageName + "\nSynopsis: " + synopsis;
        return paragraphs.isEmpty()
                ? head
                : head + "\nDescription: " + String.join("\n", paragraphs.stream().map(Paragraph::text).toList());
    }
}
