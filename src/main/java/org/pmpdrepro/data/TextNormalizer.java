package org.pmpdrepro.data;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** Text normalisation applied to every description line before it is used. */
public final class TextNormalizer {

    // French typography puts narrow no-break spaces before ';:!?'; a tokenizer should see plain spaces.
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0\\u202F\\u2007]+");

    private TextNormalizer() {}

    /** NFKC, every kind of space (incl. U+00A0, U+202F) to one plain space, trimmed. */
    public static String normalize(String text) {
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        return SPACES.matcher(nfkc).replaceAll(" ").strip();
    }

    /** Number of space-separated words. */
    public static int wordCount(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split(" +").length;
    }

    /**
     * Cuts {@code text} to at most {@code maxChars} characters at a word boundary (nothing appended);
     * a single over-long word is cut hard.
     */
    public static String truncateAtWord(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int cut = text.lastIndexOf(' ', maxChars);
        if (cut <= 0) {
            cut = Character.isLowSurrogate(text.charAt(maxChars)) ? maxChars - 1 : maxChars;
        }
        return text.substring(0, cut).strip();
    }
}
