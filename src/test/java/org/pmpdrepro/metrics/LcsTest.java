package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The linear-memory LCS against the full dynamic-programming table it replaces. The jqwik engine reads its own tag
 * annotation, not Jupiter's: the class carries both so that the build's tag selection runs its properties too.
 */
@Tag("unit")
@net.jqwik.api.Tag("unit")
class LcsTest {

    /** The full-table LCS and rouge_score's backtrack ({@code _backtrack_norec}), kept as the oracle. */
    static final class FullTable {
        static int[][] table(List<String> ref, List<String> can) {
            int[][] t = new int[ref.size() + 1][can.size() + 1];
            for (int i = 1; i <= ref.size(); i++) {
                for (int j = 1; j <= can.size(); j++) {
                    t[i][j] = ref.get(i - 1).equals(can.get(j - 1))
                            ? t[i - 1][j - 1] + 1
                            : Math.max(t[i - 1][j], t[i][j - 1]);
                }
            }
            return t;
        }

        static List<Integer> refIndices(List<String> ref, List<String> can) {
            int[][] t = table(ref, can);
            List<Integer> reversed = new ArrayList<>();
            int i = ref.size();
            int j = can.size();
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

    /** Tokens drawn from a small vocabulary, so that matches and ties between paths are frequent. */
    static List<String> tokens(List<Integer> ids) {
        return ids.stream().map(id -> "w" + id).toList();
    }

    @Property(tries = 2000)
    void lengthEqualsTheFullTable(@ForAll @Size(max = 150) List<@IntRange(max = 6) Integer> a,
            @ForAll @Size(max = 150) List<@IntRange(max = 6) Integer> b) {
        List<String> x = tokens(a);
        List<String> y = tokens(b);
        assertThat(Lcs.length(x, y)).isEqualTo(FullTable.table(x, y)[x.size()][y.size()]);
    }

    @Property(tries = 2000)
    void backtrackPicksTheSameIndicesAsRougeScore(@ForAll @Size(max = 150) List<@IntRange(max = 4) Integer> ref,
            @ForAll @Size(max = 150) List<@IntRange(max = 4) Integer> can) {
        List<String> r = tokens(ref);
        List<String> c = tokens(can);
        assertThat(Lcs.refIndices(r, c)).isEqualTo(FullTable.refIndices(r, c));
    }

    @Property(tries = 300)
    void summaryLevelUnionEqualsTheFullTable(
            @ForAll @Size(min = 1, max = 5) List<@Size(max = 40) List<@IntRange(max = 5) Integer>> refs,
            @ForAll @Size(min = 1, max = 5) List<@Size(max = 40) List<@IntRange(max = 5) Integer>> cans) {
        for (List<Integer> ref : refs) {
            TreeSet<Integer> expected = new TreeSet<>();
            TreeSet<Integer> actual = new TreeSet<>();
            for (List<Integer> can : cans) {
                expected.addAll(FullTable.refIndices(tokens(ref), tokens(can)));
                actual.addAll(Lcs.refIndices(tokens(ref), tokens(can)));
            }
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("lengths that cross 64-bit word boundaries agree with the full table")
    void wordBoundaries() {
        Random random = new Random(17);
        for (int n : new int[] {63, 64, 65, 127, 128, 129, 200, 257}) {
            for (int trial = 0; trial < 5; trial++) {
                List<String> a = randomTokens(random, n, 3);
                List<String> b = randomTokens(random, n + random.nextInt(5) - 2, 3);
                assertThat(Lcs.length(a, b)).as("n=" + n).isEqualTo(FullTable.table(a, b)[a.size()][b.size()]);
                assertThat(Lcs.refIndices(a, b)).as("n=" + n).isEqualTo(FullTable.refIndices(a, b));
            }
        }
    }

    @Test
    @DisplayName("two 200,000-token lines cost seconds and little memory: length and backtrack")
    void longLinesAreCheap() {
        Random random = new Random(5);
        List<String> a = randomTokens(random, 200_000, 50);
        List<String> b = randomTokens(random, 200_000, 50);
        long start = System.nanoTime();
        int length = Lcs.length(a, b);
        List<Integer> indices = Lcs.refIndices(a, b);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(indices).hasSize(length);
        for (int k = 1; k < indices.size(); k++) {
            assertThat(indices.get(k)).isGreaterThan(indices.get(k - 1));
        }
        assertThat(seconds).as("seconds for both").isLessThan(60);
    }

    static List<String> randomTokens(Random random, int n, int vocabulary) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("t" + random.nextInt(vocabulary));
        }
        return out;
    }
}
