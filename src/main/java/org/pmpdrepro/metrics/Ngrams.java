package org.pmpdrepro.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting over token lists, shared by the BLEU variants and ROUGE-N. */
final class Ngrams {

    private Ngrams() {}

    /**
     * Counts all n-grams of orders {@code minOrder..maxOrder}. Keys join tokens with a space, which is
     * unambiguous because tokens never contain whitespace.
     */
    static Map<String, Integer> count(List<String> tokens, int minOrder, int maxOrder) {
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder key = new StringBuilder();
        for (int n = minOrder; n <= maxOrder; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                key.setLength(0);
                for (int k = i; k < i + n; k++) {
                    if (k > i) {
                        key.append(' ');
                    }
                    key.append(tokens.get(k));
                }
                counts.merge(key.toString(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The order of an n-gram key made by {@link #count}. */
    static int order(String key) {
        int n = 1;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == ' ') {
                n++;
            }
        }
        return n;
    }

    /** Merges a reference's counts into the clipping table: the maximum count of each n-gram over references. */
    static void maxInto(Map<String, Integer> into, Map<String, Integer> counts) {
        counts.forEach((k, v) -> into.merge(k, v, Math::max));
    }

    /** Sentence statistics with clipped matches against the merged reference table. */
    static NgramStatistics clip(Map<String, Integer> hyp, Map<String, Integer> refMax, int maxOrder,
            int hypLength, int refLength) {
        int[] matches = new int[maxOrder];
        int[] totals = new int[maxOrder];
        for (Map.Entry<String, Integer> e : hyp.entrySet()) {
            int n = order(e.getKey()) - 1;
            int c = e.getValue();
            totals[n] += c;
            Integer r = refMax.get(e.getKey());
            if (r != null) {
                matches[n] += Math.min(c, r);
            }
        }
        return new NgramStatistics(hypLength, refLength, matches, totals);
    }
}
