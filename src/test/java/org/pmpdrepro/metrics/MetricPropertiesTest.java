package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every faithful implementation has, checked on generated text. Inputs come from a seeded
 * generator, so every run checks the same cases (JUnit's parameterized tests rather than jqwik, which
 * would write a failure database into the working tree).
 */
@Tag("unit")
class MetricPropertiesTest {

    private static final List<String> WORDS = List.of("the", "a", "package", "tool", "library", "for", "running",
            "ran", "runs", "data", "files", "with", "URL", "syntax", ",", ".", "-", "2.0", "10,000", "l'outil", "Straße",
            "dog", "dogs", "quickly", "(beta)", "&amp;", "x86_64", "\u00a0", "Ünïcode", "naïve", "e.g.", "1990-2000");

    /** One generated case: a corpus and configurations for each metric family. */
    record Case(int id, Corpus corpus, RougeConfig rouge, SacreBleuConfig sacre, int copies) {
        @Override
        public String toString() {
            return "case " + id + " " + rouge.type().label() + (rouge.useStemmer() ? "+stem" : "") + " "
                    + sacre.signature(1) + " x" + copies;
        }
    }

    static String sentence(SplittableRandom rng) {
        int n = rng.nextInt(15);
        List<String> ws = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ws.add(WORDS.get(rng.nextInt(WORDS.size())));
        }
        return String.join(" ", ws);
    }

    static Stream<Case> cases() {
        SplittableRandom rng = new SplittableRandom(20241017L);
        return IntStream.range(0, 150).mapToObj(id -> {
            int n = 1 + rng.nextInt(6);
            List<String> hyps = new ArrayList<>();
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                hyps.add(sentence(rng));
                String ref = sentence(rng);
                // sacrebleu refuses segments without a non-empty reference.
                refs.add(ref.isBlank() ? "the tool" : ref);
            }
            RougeConfig rouge = new RougeConfig(RougeType.values()[rng.nextInt(4)], rng.nextBoolean());
            SacreBleuConfig sacre = SacreBleuConfig.defaults()
                    .withTokenizer(BleuTokenizer.values()[rng.nextInt(BleuTokenizer.values().length)])
                    .withSmoothing(Smoothing.values()[rng.nextInt(Smoothing.values().length)])
                    .withLowercase(rng.nextBoolean()).withMaxNgramOrder(1 + rng.nextInt(6))
                    .withEffectiveOrder(rng.nextBoolean());
            return new Case(id, Corpus.singleReference(hyps, refs), rouge, sacre, 2 + rng.nextInt(3));
        });
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rougePrecisionRecallAndFLieInTheUnitInterval(Case c) {
        RougeResult r = new Rouge(c.rouge()).score(c.corpus());
        for (PrfScore s : r.samples()) {
            assertThat(s.precision()).isBetween(0.0, 1.0);
            assertThat(s.recall()).isBetween(0.0, 1.0);
            assertThat(s.fmeasure()).isBetween(0.0, 1.0);
        }
        assertThat(r.score()).isBetween(0.0, 1.0);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void swappingTargetAndPredictionSwapsRougePrecisionAndRecallAndKeepsF(Case c) {
        Rouge rouge = new Rouge(c.rouge());
        for (int i = 0; i < c.corpus().size(); i++) {
            String a = c.corpus().hypothesis(i);
            String b = c.corpus().references(i).getFirst();
            PrfScore ab = rouge.score(a, b);
            PrfScore ba = rouge.score(b, a);
            assertThat(ab.precision()).isCloseTo(ba.recall(), within(1e-12));
            assertThat(ab.recall()).isCloseTo(ba.precision(), within(1e-12));
            assertThat(ab.fmeasure()).isCloseTo(ba.fmeasure(), within(1e-12));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sacreBleuLiesIn0To100AndThePaperBleuIn0To1(Case c) {
        BleuResult sacre = new SacreBleu(c.sacre()).score(c.corpus());
        // Rounding can put a perfect score a few ulps above 100, as in sacrebleu itself.
        assertThat(sacre.score()).isBetween(0.0, 100.0 + 1e-9);
        sacre.sampleScores().forEach(s -> assertThat(s).isBetween(0.0, 100.0 + 1e-9));
        assertThat(Bleu.defaults().score(c.corpus()).score()).isBetween(0.0, 1.0 + 1e-12);
    }

    /**
     * Unsmoothed BLEU depends only on ratios of summed counts, so repeating the corpus leaves it unchanged.
     * (sacrebleu's exp, floor and add-k smoothing deliberately do not have this property: their correction
     * for a zero count shrinks as the n-gram total grows.)
     */
    @ParameterizedTest
    @MethodSource("cases")
    void unsmoothedBleuIsUnchangedWhenTheWholeCorpusIsDuplicated(Case c) {
        SacreBleu sacre = new SacreBleu(c.sacre().withSmoothing(Smoothing.NONE));
        assertThat(sacre.score(c.corpus().repeated(c.copies())).score())
                .isCloseTo(sacre.score(c.corpus()).score(), within(1e-9));
        Bleu paper = Bleu.defaults();
        assertThat(paper.score(c.corpus().repeated(c.copies())).score())
                .isCloseTo(paper.score(c.corpus()).score(), within(1e-12));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void bertScoreLiesInTheUnitIntervalAndATextAgainstItselfScoresOne(Case c) {
        List<String> vocab = new ArrayList<>(WORDS);
        vocab.add("tool");
        BertScore bs = new BertScore(new FakeEncoder(vocab, true), BertScoreConfig.plain().withIdf(c.id() % 2 == 0));
        for (PrfScore s : bs.score(c.corpus()).samples()) {
            // The fake encoder's embeddings are non-negative, so cosines lie in [0, 1].
            assertThat(s.precision()).isBetween(0.0, 1.0 + 1e-12);
            assertThat(s.recall()).isBetween(0.0, 1.0 + 1e-12);
            assertThat(s.fmeasure()).isBetween(0.0, 1.0 + 1e-12);
        }
        Corpus self = new Corpus(c.corpus().hypotheses(), List.of(c.corpus().hypotheses()));
        List<PrfScore> selfScores = new BertScore(new FakeEncoder(vocab, true), BertScoreConfig.plain()).score(self).samples();
        for (int i = 0; i < c.corpus().size(); i++) {
            if (!PyText.split(c.corpus().hypothesis(i)).isEmpty()) {
                assertThat(selfScores.get(i).fmeasure()).isCloseTo(1.0, within(1e-9));
            }
        }
    }
}
