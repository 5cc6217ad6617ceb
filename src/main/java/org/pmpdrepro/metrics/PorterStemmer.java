package org.pmpdrepro.metrics;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer in NLTK's default mode ({@code NLTK_EXTENSIONS}), which Google's rouge_score uses.
 *
 * <p>Departures from Porter (1980) that NLTK's mode makes and this class therefore makes too: a table of
 * irregular forms; words of one or two letters are returned unchanged; {@code -ies}/{@code -ied} on
 * four-letter words keep the {@code e} ("dies" -> "die"); step 1c turns {@code y} into {@code i} only after
 * a consonant that is not the first letter; the cvc test also accepts a two-letter vowel-consonant stem;
 * step 2 uses {@code bli -> ble} instead of {@code abli -> able}, applies {@code alli -> al} first and
 * repeats, and adds {@code fulli -> ful} and {@code logi -> log} (with the {@code l} kept in the stem).
 *
 * <p>Rules are tried in order and the first whose suffix matches decides: if its condition fails, later
 * rules of the same step are not tried (NLTK's {@code _apply_rule_list}).
 */
public final class PorterStemmer {

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /** A suffix rule: the stem left after removing {@code suffix} gets {@code replacement} if {@code condition} holds. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private static final Predicate<String> ALWAYS = stem -> true;
    private static final Predicate<String> M_GT_0 = stem -> measure(stem) > 0;
    private static final Predicate<String> M_GT_1 = stem -> measure(stem) > 1;

    private static final Rule[] STEP_1A = {
        new Rule("sses", "ss", ALWAYS), new Rule("ies", "i", ALWAYS), new Rule("ss", "ss", ALWAYS), new Rule("s", "", ALWAYS),
    };

    private static final Rule[] STEP_2 = {
        new Rule("ational", "ate", M_GT_0), new Rule("tional", "tion", M_GT_0), new Rule("enci", "ence", M_GT_0),
        new Rule("anci", "ance", M_GT_0), new Rule("izer", "ize", M_GT_0), new Rule("bli", "ble", M_GT_0),
        new Rule("alli", "al", M_GT_0), new Rule("entli", "ent", M_GT_0), new Rule("eli", "e", M_GT_0),
        new Rule("ousli", "ous", M_GT_0), new Rule("ization", "ize", M_GT_0), new Rule("ation", "ate", M_GT_0),
        new Rule("ator", "ate", M_GT_0), new Rule("alism", "al", M_GT_0), new Rule("iveness", "ive", M_GT_0),
        new Rule("fulness", "ful", M_GT_0), new Rule("ousness", "ous", M_GT_0), new Rule("aliti", "al", M_GT_0),
        new Rule("iviti", "ive", M_GT_0), new Rule("biliti", "ble", M_GT_0), new Rule("fulli", "ful", M_GT_0),
        // The 'l' of 'logi' stays with the stem for the measure, so short stems like 'geo' work like 'philo'.
        new Rule("logi", "log", stem -> measure(stem + "l") > 0),
    };

    private static final Rule[] STEP_3 = {
        new Rule("icate", "ic", M_GT_0), new Rule("ative", "", M_GT_0), new Rule("alize", "al", M_GT_0),
        new Rule("iciti", "ic", M_GT_0), new Rule("ical", "ic", M_GT_0), new Rule("ful", "", M_GT_0),
        new Rule("ness", "", M_GT_0),
    };

    private static final Rule[] STEP_4 = {
        new Rule("al", "", M_GT_1), new Rule("ance", "", M_GT_1), new Rule("ence", "", M_GT_1),
        new Rule("er", "", M_GT_1), new Rule("ic", "", M_GT_1), new Rule("able", "", M_GT_1),
        new Rule("ible", "", M_GT_1), new Rule("ant", "", M_GT_1), new Rule("ement", "", M_GT_1),
        new Rule("ment", "", M_GT_1), new Rule("ent", "", M_GT_1),
        new Rule("ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
        new Rule("ou", "", M_GT_1), new Rule("ism", "", M_GT_1), new Rule("ate", "", M_GT_1),
        new Rule("iti", "", M_GT_1), new Rule("ous", "", M_GT_1), new Rule("ive", "", M_GT_1),
        new Rule("ize", "", M_GT_1),
    };

    private PorterStemmer() {}

    /** Stems one word; it is lower-cased first, as NLTK's {@code stem(word)} does by default. */
    public static String stem(String word) {
        String w = PyText.lower(word);
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return IRREGULAR.get(w);
        }
        if (word.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = apply(w, STEP_3);
        w = apply(w, STEP_4);
        w = step5a(w);
        return step5b(w);
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return w.substring(0, w.length() - 3) + "ie";
        }
        return apply(w, STEP_1A);
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (w.endsWith(suffix) && containsVowel(w.substring(0, w.length() - suffix.length()))) {
                stem = w.substring(0, w.length() - suffix.length());
                break;
            }
        }
        if (stem == null) {
            return w;
        }
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step1c(String w) {
        if (w.endsWith("y")) {
            String stem = w.substring(0, w.length() - 1);
            return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : w;
        }
        return w;
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && measure(w.substring(0, w.length() - 4)) > 0) {
            return step2(w.substring(0, w.length() - 4) + "al");
        }
        return apply(w, STEP_2);
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = w.substring(0, w.length() - 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static String apply(String w, Rule[] rules) {
        for (Rule r : rules) {
            if (w.endsWith(r.suffix)) {
                String stem = w.substring(0, w.length() - r.suffix.length());
                return r.condition.test(stem) ? stem + r.replacement : w;
            }
        }
        return w;
    }

    private static boolean isConsonant(String w, int i) {
        char c = w.charAt(i);
        return switch (c) {
            case 'a', 'e', 'i', 'o', 'u' -> false;
            case 'y' -> i == 0 || !isConsonant(w, i - 1);
            default -> true;
        };
    }

    /** Porter's m: the number of vowel-to-consonant transitions in [C](VC){m}[V]. */
    static int measure(String stem) {
        int m = 0;
        boolean previousVowel = false;
        for (int i = 0; i < stem.length(); i++) {
            boolean consonant = isConsonant(stem, i);
            if (consonant && previousVowel) {
                m++;
            }
            previousVowel = !consonant;
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Porter's *o (consonant-vowel-consonant, the last not w, x or y), plus NLTK's two-letter vowel-consonant. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }
}
