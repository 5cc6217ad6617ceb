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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Paired bootstrap resampling on Debian synopses with synthetic systems of known quality. */
@Tag("unit")
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
                bleu.score(Corpus.singleReference(good, refs)), PairedBootstrap.Config.sacrebleu());
        assertThat(r.observedDifference()).isPositive();
        assertThat(r.ciLower()).isPositive();
        assertThat(r.observedDifference()).isBetween(r.ciLower(), r.ciUpper());
        assertThat(r.meanDifference()).isCloseTo(r.observedDifference(), within(0.2 * r.observedDifference()));
        assertThat(r.pValue()).isLessThan(0.01);
        assertThat(r.sacrebleuPValue()).isLessThan(0.01);
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
        assertThat(r.sacrebleuPValue()).isEqualTo(1.0);
        assertThat(r.standardError()).isZero();
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

    /** Per-sample scores that average to {@code mean} with spread {@code sd}: a metric whose SE is known. */
    static RougeResult normalScores(int n, double mean, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<PrfScore> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Box-Muller: the test needs a symmetric, continuous distribution, not any particular one.
            double z = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
            double f = mean + sd * z;
            s.add(new PrfScore(f, f, f));
        }
        return RougeResult.of(new RougeConfig(RougeType.ROUGE_L, false), "rougeL|fake", s);
    }

    @Test
    void theTwoSidedPValueIsTwoSidedAtTheUsualCriticalValueUnlikeSacrebleusStatistic() {
        // Paired differences with mean 1.96 standard errors: a two-sided test gives about 0.05; sacrebleu's
        // statistic, which subtracts the mean |δ*| and so behaves one-sidedly, about half of that.
        int n = 2000;
        RougeResult base = normalScores(n, 0, 0, 1);
        double sd = 1.0;
        double se = sd / Math.sqrt(n);
        RougeResult sys = normalScores(n, 0, sd, 3);
        double shift = 1.96 * se - sys.score();
        List<PrfScore> shifted = sys.samples().stream()
                .map(p -> new PrfScore(p.fmeasure() + shift, p.fmeasure() + shift, p.fmeasure() + shift)).toList();
        RougeResult at196 = RougeResult.of(sys.config(), sys.signature(), shifted);
        PairedBootstrap.Result r = PairedBootstrap.compare(base, at196, PairedBootstrap.Config.defaults());
        assertThat(r.observedDifference()).isCloseTo(1.96 * se, within(1e-12));
        assertThat(r.standardError()).isCloseTo(se, within(0.05 * se));
        assertThat(r.pValue()).isBetween(0.04, 0.06);
        assertThat(r.sacrebleuPValue()).isBetween(0.015, 0.035);
        assertThat(r.minimumDetectableEffect()).isCloseTo(2.8 * r.standardError(), within(1e-15));
    }

    @Test
    void oneSidedTestsRejectExactlyWhereTheIntervalClearsTheThreshold() {
        RougeResult a = Rouge.of(RougeType.ROUGE_1, false).score(Corpus.singleReference(poor, refs));
        RougeResult b = Rouge.of(RougeType.ROUGE_1, false).score(Corpus.singleReference(good, refs));
        PairedBootstrap.Differences d = PairedBootstrap.resample(a, b, new PairedBootstrap.Config(2000, 5));
        PairedBootstrap.Result r = d.result();
        for (double c = r.ciLower() - 0.05; c < r.ciUpper() + 0.05; c += 0.0007) {
            assertThat(d.pAtMost(c) < 0.025).as("H0: δ <= %s against lower end %s", c, r.ciLower())
                    .isEqualTo(r.ciLower() > c);
            assertThat(d.pAtLeast(c) < 0.025).as("H0: δ >= %s against upper end %s", c, r.ciUpper())
                    .isEqualTo(r.ciUpper() < c);
        }
        // At the observed difference itself neither one-sided test can reject.
        assertThat(d.pAtMost(r.observedDifference())).isGreaterThan(0.4);
        assertThat(d.pAtLeast(r.observedDifference())).isGreaterThan(0.4);
    }

    @Test
    void oneSidedPValuesCountCentredResamplesBeyondTheThreshold() {
        double[] sorted = {-2, -1, -1, 0, 1, 3};
        assertThat(PairedBootstrap.countAtLeast(sorted, -1)).isEqualTo(5);
        assertThat(PairedBootstrap.countAtLeast(sorted, 0.5)).isEqualTo(2);
        assertThat(PairedBootstrap.countAtLeast(sorted, 4)).isZero();
        assertThat(PairedBootstrap.countAtMost(sorted, -1)).isEqualTo(3);
        assertThat(PairedBootstrap.countAtMost(sorted, -3)).isZero();
        assertThat(PairedBootstrap.countAtMost(sorted, 3)).isEqualTo(6);
    }

    @Test
    void theFlatResamplerOfEveryMetricGivesExactlyTheResampledScore() {
        Corpus corpus = Corpus.singleReference(good, refs);
        List<MetricResult> results = List.of(Rouge.of(RougeType.ROUGE_L, true).score(corpus),
                SacreBleu.defaults().score(corpus), Bleu.defaults().score(corpus));
        SplittableRandom rng = new SplittableRandom(11);
        for (MetricResult m : results) {
            MetricResult.Resampler fast = m.resampler();
            for (int k = 0; k < 20; k++) {
                int[] idx = rng.ints(m.size(), 0, m.size()).toArray();
                assertThat(fast.score(idx)).as(m.metric()).isEqualTo(m.resampledScore(idx));
            }
        }
    }
}
