package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/** Longest common subsequences of token lists, as rouge_score computes them. */
final class Lcs {

    private Lcs() {}

    /** LCS length with two rolling rows. */
    static int length(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            String ai = a.get(i - 1);
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = ai.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    /**
     * Indices into {@code ref} of one LCS with {@code can}, ascending. The backtrack prefers moving along
     * {@code ref} on ties, exactly as rouge_score's {@code _backtrack_norec}, because which LCS is chosen
     * changes the union in ROUGE-Lsum.
     */
    static List<Integer> refIndices(List<String> ref, List<String> can) {
        int rows = ref.size();
        int cols = can.size();
        int[][] t = new int[rows + 1][cols + 1];
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        List<Integer> reversed = new ArrayList<>();
        int i = rows;
        int j = cols;
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                reversed.add(i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return reversed.reversed();
    }
}
