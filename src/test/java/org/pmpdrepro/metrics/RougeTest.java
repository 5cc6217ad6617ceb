package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ROUGE with rouge_score's semantics on hand-computed cases. */
@Tag("unit")
class RougeTest {

    @Test
    void tokenizerLowercasesAndDropsEverythingOutsideAsciiLettersAndDigits() {
        assertThat(new RougeTokenizer(false).tokenize("Hello, World! Café x86_64 naïve"))
                .containsExactly("hello", "world", "caf", "x86", "64", "na", "ve");
    }

    @Test
    void stemmingAppliesOnlyToTokensLongerThanThreeCharacters() {
        assertThat(new RougeTokenizer(true).tokenize("dogs cats running was ties"))
                .containsExactly("dog", "cat", "run", "was", "tie");
    }

    @Test
    void rouge2CountsClippedBigramOverlap() {
        PrfScore s = Rouge.of(RougeType.ROUGE_2, false).score("the cat sat on the mat", "the cat sat on a mat");
        // Target bigrams 5, prediction bigrams 5, shared: "the cat", "cat sat", "sat on".
        assertThat(s.precision()).isCloseTo(0.6, within(1e-12));
        assertThat(s.recall()).isCloseTo(0.6, within(1e-12));
    }

    @Test
    void rougeLUsesTheLongestCommonSubsequenceAndIgnoresNewlines() {
        PrfScore s = Rouge.of(RougeType.ROUGE_L, false).score("a b c d e", "a x c\ny e");
        assertThat(s.precision()).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(s.recall()).isCloseTo(3.0 / 5, within(1e-12));
    }

    @Test
    void aOneMegabyteLineScoresInSecondsUnderRougeLAndRougeLsum() {
        java.util.Random random = new java.util.Random(3);
        String[] words = "the package provides a tool for data files and library of command line".split(" ");
        StringBuilder target = new StringBuilder();
        StringBuilder prediction = new StringBuilder();
        while (target.length() < 1_000_000) {
            String w = words[random.nextInt(words.length)];
            target.append(w).append(' ');
            if (random.nextInt(10) != 0) {
                prediction.append(w).append(' ');
            }
        }
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), () -> {
            for (RougeType type : List.of(RougeType.ROUGE_L, RougeType.ROUGE_LSUM)) {
                Rouge rouge = Rouge.of(type, false);
                assertThat(rouge.score(target.toString(), target.toString()).fmeasure()).as(type.name()).isEqualTo(1.0);
                PrfScore s = rouge.score(target.toString(), prediction.toString());
                assertThat(s.precision()).as(type.name()).isEqualTo(1.0); // the prediction is a subsequence
                assertThat(s.recall()).as(type.name()).isBetween(0.85, 0.95);
            }
        });
    }

    @Test
    void rougeLsumCreditsEachReferenceTokenAtMostOnceAcrossSentences() {
        // Both prediction lines contain "a b"; the union LCS credits the reference's "a b" once.
        PrfScore s = Rouge.of(RougeType.ROUGE_LSUM, false).score("a b c", "a b\na b");
        assertThat(s.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(s.precision()).isCloseTo(2.0 / 4, within(1e-12));
    }

    @Test
    void severalReferencesKeepTheOneWithTheHighestF() {
        Rouge r = Rouge.of(RougeType.ROUGE_1, false);
        PrfScore best = r.scoreMulti(List.of("x y z", "a b c"), "a b");
        assertThat(best).isEqualTo(r.score("a b c", "a b"));
    }

    @Test
    void corpusScoreIsTheMeanOfPerSampleF() {
        RougeResult r = Rouge.of(RougeType.ROUGE_L, true).score(Corpus.singleReference(
                List.of("testing one", "the friends had a meeting"), List.of("testing one two", "the friends had a meeting")));
        assertThat(r.score()).isCloseTo((0.8 + 1.0) / 2, within(1e-12));
        assertThat(r.aggregation()).isEqualTo(Aggregation.MEAN_OF_SAMPLES);
        assertThat(r.signature()).isEqualTo("rougeL|stem:yes|nrefs:1|agg:mean-f|impl:rouge_score-0.1.2");
        assertThat(r.resampledScore(new int[] {1, 1})).isCloseTo(1.0, within(1e-12));
    }
}
