package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Longest common subsequences of token lists, as rouge_score computes them, in memory linear in the lengths.
 *
 * <p>The dynamic-programming table {@code t[i][j] = LCS(ref[0..i), can[0..j))} is never stored: row {@code i} is
 * kept as a bit vector {@code V} over the columns (Allison and Dix, 1986; Hyyrö, 2004), where bit {@code j-1} is
 * clear exactly when {@code t[i][j] = t[i][j-1] + 1}, so {@code t[i][j]} is the number of clear bits below
 * {@code j}. A row follows from the previous one in {@code O(n/64)} word operations, which makes the length of two
 * 200,000-token lines a matter of a second instead of minutes. Values are exact integers, so scores are the same as
 * those of the full table.
 */
final class Lcs {

    private Lcs() {}

    /** LCS length of {@code a} and {@code b}. */
    static int length(List<String> a, List<String> b) {
        Columns cols = new Columns(b);
        long[] v = cols.allOnes();
        long[] match = new long[v.length];
        for (String token : a) {
            cols.step(v, token, match);
        }
        return cols.zerosBelow(v, b.size());
    }

    /**
     * Indices into {@code ref} of one LCS with {@code can}, ascending. The backtrack prefers moving along
     * {@code ref} on ties, exactly as rouge_score's {@code _backtrack_norec}, because which LCS is chosen
     * changes the union in ROUGE-Lsum.
     *
     * <p>The backtrack needs the rows it passes through. Every {@code k}-th row (k about the square root of the
     * reference's length) is kept from one forward pass; the rows between two kept ones are recomputed, block by
     * block from the last, when the backtrack reaches them. Memory is {@code O(sqrt(m) * n / 64)} words and time
     * about three forward passes.
     */
    static List<Integer> refIndices(List<String> ref, List<String> can) {
        int rows = ref.size();
        int n = can.size();
        List<Integer> reversed = new ArrayList<>();
        if (rows == 0 || n == 0) {
            return reversed;
        }
        Columns cols = new Columns(can);
        int block = Math.max(1, (int) Math.ceil(Math.sqrt(rows)));
        long[][] kept = new long[(rows + block - 1) / block + 1][];
        long[] v = cols.allOnes();
        long[] match = new long[v.length];
        kept[0] = v.clone();
        for (int i = 1; i <= rows; i++) {
            cols.step(v, ref.get(i - 1), match);
            if (i % block == 0) {
                kept[i / block] = v.clone();
            }
        }

        int i = rows;
        int j = n;
        long[][] span = new long[block + 1][v.length];
        while (i > 0 && j > 0) {
            // Rebuild rows [first, last] of the block holding row i, from the kept row `first`.
            int first = (i - 1) / block * block;
            int last = i;
            System.arraycopy(kept[first / block], 0, span[0], 0, v.length);
            for (int r = first + 1; r <= last; r++) {
                System.arraycopy(span[r - first - 1], 0, span[r - first], 0, v.length);
                cols.step(span[r - first], ref.get(r - 1), match);
            }
            int here = cols.zerosBelow(span[i - first], j); // t[i][j]
            int above = cols.zerosBelow(span[i - first - 1], j); // t[i-1][j]
            while (i > first && j > 0) {
                if (ref.get(i - 1).equals(can.get(j - 1))) {
                    reversed.add(i - 1);
                    i--;
                    j--;
                    if (i > first) {
                        here = above - (clear(span[i - first], j) ? 1 : 0);
                        above = cols.zerosBelow(span[i - first - 1], j);
                    }
                } else {
                    int left = here - (clear(span[i - first], j - 1) ? 1 : 0); // t[i][j-1]
                    if (left > above) {
                        j--;
                        here = left;
                        above -= clear(span[i - first - 1], j) ? 1 : 0;
                    } else {
                        i--;
                        if (i > first) {
                            here = above;
                            above = cols.zerosBelow(span[i - first - 1], j);
                        }
                    }
                }
            }
        }
        return reversed.reversed();
    }

    /** Whether bit {@code j} of row {@code v} is clear, i.e. {@code t[row][j+1] = t[row][j] + 1}. */
    private static boolean clear(long[] v, int j) {
        return (v[j >>> 6] & (1L << j)) == 0;
    }

    /** The columns (tokens of one list) as bit positions, with the positions of each distinct token. */
    private static final class Columns {
        private final int n;
        private final Map<String, int[]> positions = new HashMap<>();

        Columns(List<String> tokens) {
            n = tokens.size();
            Map<String, List<Integer>> at = new HashMap<>();
            for (int j = 0; j < n; j++) {
                at.computeIfAbsent(tokens.get(j), t -> new ArrayList<>()).add(j);
            }
            at.forEach((t, js) -> positions.put(t, js.stream().mapToInt(Integer::intValue).toArray()));
        }

        /** Row 0: every bit set, {@code t[0][j] = 0}. */
        long[] allOnes() {
            long[] v = new long[(n >>> 6) + 1];
            Arrays.fill(v, -1L);
            return v;
        }

        /**
         * Advances {@code v} from row {@code i-1} to row {@code i}, whose reference token is {@code token}:
         * {@code U = V & M; V = (V + U) | (V & ~M)} with {@code M} the token's match positions (built in the
         * scratch {@code match}, which is all zero again on return).
         */
        void step(long[] v, String token, long[] match) {
            int[] js = positions.get(token);
            if (js == null) {
                return; // no match anywhere: the row repeats
            }
            for (int j : js) {
                match[j >>> 6] |= 1L << j;
            }
            long carry = 0;
            for (int w = 0; w < v.length; w++) {
                long x = v[w];
                long m = match[w];
                long u = x & m;
                long sum = x + u + carry;
                // The carry out of the top bit: the majority of x's, u's and the incoming carry's top bits.
                carry = ((x & u) | ((x | u) & ~sum)) >>> 63;
                v[w] = sum | (x & ~m);
            }
            for (int j : js) {
                match[j >>> 6] = 0;
            }
        }

        /** {@code t[row][j]}: the clear bits of {@code v} below {@code j}. */
        int zerosBelow(long[] v, int j) {
            int full = j >>> 6;
            int zeros = 0;
            for (int w = 0; w < full; w++) {
                zeros += Long.bitCount(~v[w]);
            }
            int rest = j & 63;
            if (rest != 0) {
                zeros += Long.bitCount(~v[full] & ((1L << rest) - 1));
            }
            return zeros;
        }
    }
}
