package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * sacrebleu's tokenizers, by the name its signature prints. Each returns the tokens that sacrebleu's
 * {@code tokenizer(line).split()} would give.
 */
public enum BleuTokenizer {
    /** mteval-v13a.pl, the WMT standard and sacrebleu's default. */
    THIRTEEN_A("13a"),
    /** No tokenisation: whitespace splitting only. */
    NONE("none"),
    /** mteval-v14.pl's international tokenisation on Unicode punctuation and symbols. */
    INTL("intl"),
    /** Every non-whitespace character is a token. */
    CHAR("char");

    // 13a, language-dependent part: ASCII punctuation and symbols get spaces around them.
    private static final Pattern ASCII_PUNCT = Pattern.compile("([\\x7B-\\x7E\\x5B-\\x60\\x20-\\x26\\x28-\\x2B\\x3A-\\x40/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private static final Pattern INTL_PUNCT_AFTER_NON_NUMBER = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern INTL_PUNCT_BEFORE_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern INTL_SYMBOL = Pattern.compile("(\\p{S})");

    private final String signature;

    BleuTokenizer(String signature) {
        this.signature = signature;
    }

    /** The name sacrebleu prints in its signature ({@code tok:13a}) and accepts on its command line. */
    public String signature() {
        return signature;
    }

    /** Looks a tokenizer up by its sacrebleu name. */
    public static BleuTokenizer byName(String name) {
        for (BleuTokenizer t : values()) {
            if (t.signature.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown BLEU tokenizer '" + name + "'; expected one of "
                + Arrays.stream(values()).map(BleuTokenizer::signature).toList());
    }

    /** Tokenises one segment (already lower-cased and right-stripped where the metric asks for it). */
    public List<String> tokenize(String line) {
        return switch (this) {
            case THIRTEEN_A -> PyText.split(thirteenA(line));
            case NONE -> PyText.split(line);
            case INTL -> PyText.split(intl(line));
            case CHAR -> characters(line);
        };
    }

    private static String thirteenA(String line) {
        // Language-independent part of mteval-v13a: drop <skipped>, join hyphenated line breaks, unescape.
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = ASCII_PUNCT.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        return DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
    }

    private static String intl(String line) {
        String s = INTL_PUNCT_AFTER_NON_NUMBER.matcher(line).replaceAll("$1 $2 ");
        s = INTL_PUNCT_BEFORE_NON_NUMBER.matcher(s).replaceAll(" $1 $2");
        return INTL_SYMBOL.matcher(s).replaceAll(" $1 ");
    }

    private static List<String> characters(String line) {
        List<String> out = new ArrayList<>(line.length());
        line.codePoints().filter(cp -> !PyText.isSpace(cp)).forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }
}
