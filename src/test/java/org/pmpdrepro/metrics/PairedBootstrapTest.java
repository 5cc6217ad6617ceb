package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Paired bootstrap resampling on Debian synopses with synthetic systems of known quality. */
class PairedBootstrapTest {

    private static List<String> refs;
    private static List<String> good;
    private static List<String> poor;

    @BeforeAll
    static void systems() throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                PairedBootstrapTest.class.getResourceAsStream("/metrics/debian-synopses-en.txt"), StandardCharsets.UTF_8))) {
            refs = r.lines().limit(200).toList();
        }
        good = degrade(refs, 0.1, 1);
        poor = degrade(refs, 0.5, 2);
    }

    /** Drops each word with probability {@code p}: a deterministic system of chosen quality. */
    static List<String> degrade(List<String> texts, double p, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (String t : texts) {
            List<String> kept = new ArrayList<>();
            for (String w : t.split(" ")) {
                if (rng.nextDouble() >= p) {
                    kept.add(w);
                }
            }
            out.add(String.join(" ", kept));
        }
        return out;
    }

    @Test
    void aClearlyBetterSystemIsSignificantWithAnIntervalAroundTheObservedDifference() {
        SacreBleu bleu = SacreBleu.defaults();
        PairedBootstrap.Result r = PairedBootstrap.compare(bleu.score(Corpus.singleReference(poor, refs)),
                bleu.score(Corpus.singleReference(good, refs)), PairedBootstrap.Config.defaults());
        assertThat(r.observedDifference()).isPositive();
        assertThat(r.ciLower()).isPositive();
        assertThat(r.observedDifference()).isBetween(r.ciLower(), r.ciUpper());
        assertThat(r.meanDifference()).isCloseTo(r.observedDifference(), within(0.2 * r.observedDifference()));
        assertThat(r.pValue()).isLessThan(0.01);
        assertThat(r.signatureWithBootstrap()).startsWith("nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a");
    }

    @Test
    void aSystemComparedWithItselfHasNoDifferenceAndPValueOne() {
        Rouge rouge = Rouge.of(RougeType.ROUGE_L, true);
        RougeResult same = rouge.score(Corpus.singleReference(good, refs));
        PairedBootstrap.Result r = PairedBootstrap.compare(same, same, PairedBootstrap.Config.defaults());
        assertThat(r.observedDifference()).isZero();
        assertThat(r.ciLower()).isZero();
        assertThat(r.ciUpper()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
    }

    @Test
    void theSameSeedGivesTheSameResultAndAnotherSeedAnotherInterval() {
        Rouge rouge = Rouge.of(RougeType.ROUGE_1, false);
        RougeResult a = rouge.score(Corpus.singleReference(poor, refs));
        RougeResult b = rouge.score(Corpus.singleReference(good, refs));
        PairedBootstrap.Result r1 = PairedBootstrap.compare(a, b, new PairedBootstrap.Config(500, 7));
        assertThat(PairedBootstrap.compare(a, b, new PairedBootstrap.Config(500, 7))).isEqualTo(r1);
        assertThat(PairedBootstrap.compare(a, b, new PairedBootstrap.Config(500, 8)).ciLower()).isNotEqualTo(r1.ciLower());
    }

    @Test
    void bleuResamplesAreRescoredFromSummedStatisticsNotAveraged() {
        BleuResult r = SacreBleu.defaults().score(Corpus.singleReference(good, refs));
        int[] all = new int[r.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertThat(r.resampledScore(all)).isCloseTo(r.score(), within(1e-12));
        double meanOfSentences = r.sampleScores().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(r.score()).isNotCloseTo(meanOfSentences, within(1e-6));
    }

    @Test
    void systemsScoredDifferentlyOrOnDifferentSamplesAreRefused() {
        RougeResult l = Rouge.of(RougeType.ROUGE_L, true).score(Corpus.singleReference(good, refs));
        RougeResult one = Rouge.of(RougeType.ROUGE_1, true).score(Corpus.singleReference(good, refs));
        assertThatThrownBy(() -> PairedBootstrap.compare(l, one, PairedBootstrap.Config.defaults()))
                .hasMessageContaining("same metric configuration");
        RougeResult shorter = Rouge.of(RougeType.ROUGE_L, true).score(
                Corpus.singleReference(good.subList(0, 10), refs.subList(0, 10)));
        assertThatThrownBy(() -> PairedBootstrap.compare(l, shorter, PairedBootstrap.Config.defaults()))
                .hasMessageContaining("baseline has 200, system 10");
        assertThatThrownBy(() -> new PairedBootstrap.Config(10, 1)).hasMessageContaining("at least 40 resamples");
    }
}
