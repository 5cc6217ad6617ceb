package org.pmpdrepro.data;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds held-out text that also occurs in the training split. Family splitting keeps libfoo and
 * libfoo-dev together, but unrelated packages can still share boilerplate synopses or paragraphs.
 */
final class Decontaminator {

    static final String RULE = "after the family split, a calibration or test description is dropped when its"
            + " synopsis or its first long-description paragraph (normalised, lowercased) equals the synopsis or"
            + " first paragraph of any train description; a held-out debtrans paragraph pair is dropped when its"
            + " English paragraph equals any paragraph of a train description.";

    private final Set<String> synopses = new HashSet<>();
    private final Set<String> firstParagraphs = new HashSet<>();
    private final Set<String> paragraphs = new HashSet<>();

    Decontaminator(List<PackageText> train) {
        for (PackageText t : train) {
            DebianDescription en = t.english();
            addIfPresent(synopses, en.synopsis());
            if (!en.paragraphs().isEmpty()) {
                addIfPresent(firstParagraphs, en.paragraphs().get(0).text());
            }
            for (Paragraph p : en.paragraphs()) {
                addIfPresent(paragraphs, p.text());
            }
        }
    }

    /** True when the synopsis or first paragraph of {@code text} also begins some train description. */
    boolean seenInTrain(PackageText text) {
        DebianDescription en = text.english();
        if (synopses.contains(key(en.synopsis()))) {
            return true;
        }
        String first = en.paragraphs().isEmpty() ? "" : key(en.paragraphs().get(0).text());
        return !first.isEmpty() && firstParagraphs.contains(first);
    }

    /** True when an English paragraph occurs anywhere in the train descriptions. */
    boolean paragraphInTrain(String englishParagraph) {
        return paragraphs.contains(key(englishParagraph));
    }

    private static void addIfPresent(Set<String> set, String text) {
        String k = key(text);
        if (!k.isEmpty()) {
            set.add(k);
        }
    }

    private static String key(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
