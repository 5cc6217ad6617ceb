package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BERTScore on its definition, with a tiny deterministic encoder (and MiniLM where noted). */
@Tag("unit")
class BertScoreTest {

    private static final List<String> VOCAB = List.of("the", "a", "cat", "dog", "bird", "sat", "on", "mat", "ran", "home",
            "fast", "mouse");

    private static BertScore fake(boolean contextual, boolean idf) {
        return new BertScore(new FakeEncoder(VOCAB, contextual), BertScoreConfig.plain().withIdf(idf));
    }

    @Test
    void identicalTextsScorePrecisionRecallAndFOfOne() {
        BertScoreResult r = fake(true, false).score(Corpus.singleReference(
                List.of("the cat sat on the mat", "a dog ran home"), List.of("the cat sat on the mat", "a dog ran home")));
        for (PrfScore s : r.samples()) {
            assertThat(s.precision()).isCloseTo(1.0, within(1e-12));
            assertThat(s.recall()).isCloseTo(1.0, within(1e-12));
            assertThat(s.fmeasure()).isCloseTo(1.0, within(1e-12));
        }
        assertThat(r.score()).isCloseTo(1.0, within(1e-12));
        assertThat(r.aggregation()).isEqualTo(Aggregation.MEAN_OF_SAMPLES);
    }

    @Test
    void aShuffledTextScoresBelowOneAgainstItself() {
        String text = "the cat sat on the mat";
        List<String> words = new ArrayList<>(List.of(text.split(" ")));
        Collections.shuffle(words, new Random(7));
        String shuffled = String.join(" ", words);
        assertThat(shuffled).isNotEqualTo(text);
        PrfScore s = fake(true, false).score(Corpus.singleReference(List.of(shuffled), List.of(text))).samples().getFirst();
        assertThat(s.fmeasure()).isLessThan(1.0).isGreaterThan(0.5);
    }

    @Test
    void greedyMatchingTakesEachTokensBestCounterpart() {
        // One-hot embeddings: hypothesis "the cat fast" against "the cat": two of three hypothesis tokens match
        // exactly (precision 2/3), both reference tokens are matched (recall 1).
        PrfScore s = fake(false, false).score(Corpus.singleReference(List.of("the cat fast"), List.of("the cat")))
                .samples().getFirst();
        assertThat(s.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(s.recall()).isCloseTo(1.0, within(1e-12));
        assertThat(s.fmeasure()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void idfRaisesRecallWhenTheMatchedWordIsRareAndLowersItWhenItIsCommon() {
        // "the" occurs in every reference (idf ln(4/4) = 0); "cat" in one (idf ln(4/2)).
        List<String> refs = List.of("the cat", "the dog", "the bird");
        Corpus matchesRare = Corpus.singleReference(List.of("a cat", "the dog", "the bird"), refs);
        Corpus matchesCommon = Corpus.singleReference(List.of("the mouse", "the dog", "the bird"), refs);
        double plainRare = fake(false, false).score(matchesRare).samples().getFirst().recall();
        double idfRare = fake(false, true).score(matchesRare).samples().getFirst().recall();
        double plainCommon = fake(false, false).score(matchesCommon).samples().getFirst().recall();
        double idfCommon = fake(false, true).score(matchesCommon).samples().getFirst().recall();
        assertThat(plainRare).isCloseTo(0.5, within(1e-12));
        assertThat(idfRare).isCloseTo(1.0, within(1e-12));
        assertThat(plainCommon).isCloseTo(0.5, within(1e-12));
        assertThat(idfCommon).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void emptyHypothesisScoresZero() {
        PrfScore s = fake(false, false).score(Corpus.singleReference(List.of(""), List.of("the cat"))).samples().getFirst();
        assertThat(s).isEqualTo(PrfScore.ZERO);
    }

    @Test
    void severalReferencesTakeTheMaximumOfEachScore() {
        Corpus two = new Corpus(List.of("the cat sat"), List.of(List.of("the dog"), List.of("the cat sat")));
        assertThat(fake(true, false).score(two).score()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void scoresAreDeterministic() {
        Corpus c = Corpus.singleReference(List.of("the cat sat on the mat", "a bird ran home fast"),
                List.of("a cat sat on a mat", "the bird ran home"));
        assertThat(fake(true, true).score(c)).isEqualTo(fake(true, true).score(c));
    }

    @Test
    void miniLmScoresAreDeterministicAndAParaphraseBeatsAnUnrelatedText() {
        BertScore bs = BertScore.miniLm();
        Corpus c = Corpus.singleReference(
                List.of("utility to transfer files over the network", "library for drawing vector graphics"),
                List.of("command line tool for transferring data with URL syntax",
                        "command line tool for transferring data with URL syntax"));
        BertScoreResult first = bs.score(c);
        assertThat(bs.score(c).samples()).isEqualTo(first.samples());
        assertThat(first.samples().get(0).fmeasure()).isGreaterThan(first.samples().get(1).fmeasure());
        for (PrfScore s : first.samples()) {
            assertThat(s.fmeasure()).isBetween(-1.0, 1.0);
        }
    }

    @Test
    void baselineRescalingMapsTheBaselineToZeroAndOneToOne(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("baselines.csv");
        Files.writeString(csv, "encoder,layer,P,R,F\nfake-one-hot,1,0.5,0.25,0.4\n");
        BertScoreBaseline b = BertScoreBaseline.read(csv, "fake-one-hot", 1);
        BertScore rescaled = new BertScore(new FakeEncoder(VOCAB, false), BertScoreConfig.plain().withBaseline(b));
        // Raw P = 2/3, R = 1, F = 0.8 (see the greedy matching test).
        PrfScore s = rescaled.score(Corpus.singleReference(List.of("the cat fast"), List.of("the cat"))).samples().getFirst();
        assertThat(s.precision()).isCloseTo((2.0 / 3 - 0.5) / 0.5, within(1e-12));
        assertThat(s.recall()).isCloseTo(1.0, within(1e-12));
        assertThat(s.fmeasure()).isCloseTo((0.8 - 0.4) / 0.6, within(1e-12));
        assertThat(rescaled.signature(1)).contains("rescale:yes");
    }

    @Test
    void theBuiltInMiniLmBaselineRescalesUnrelatedTextTowardsZero() {
        BertScoreBaseline b = BertScoreBaseline.builtIn(MiniLmEncoder.NAME, 6).orElseThrow();
        assertThat(b.f1()).isBetween(0.0, 0.5);
        BertScore rescaled = new BertScore(MiniLmEncoder.shared(), BertScoreConfig.plain().withBaseline(b));
        Corpus c = Corpus.singleReference(List.of("library for drawing vector graphics", "a text editor"),
                List.of("command line tool for transferring data with URL syntax", "a text editor"));
        List<PrfScore> s = rescaled.score(c).samples();
        assertThat(s.get(0).fmeasure()).isLessThan(0.5);
        assertThat(s.get(1).fmeasure()).isCloseTo(1.0, within(1e-6));
        assertThat(BertScoreBaseline.builtIn("roberta-large", 17)).isEmpty();
    }

    @Test
    void aBaselineForAnotherEncoderIsRefused(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("baselines.csv");
        Files.writeString(csv, "encoder,layer,P,R,F\nother,3,0.5,0.5,0.5\n");
        BertScoreBaseline b = BertScoreBaseline.read(csv, "other", 3);
        assertThatThrownBy(() -> new BertScore(new FakeEncoder(VOCAB, false), BertScoreConfig.plain().withBaseline(b)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other layer 3")
                .hasMessageContaining("fake-one-hot layer 1");
    }

    @Test
    void aMalformedBaselineFileNamesTheLineAndColumn(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "encoder,layer,P,R,F\nfake-one-hot,1,0.5,abc,0.4\n");
        assertThatThrownBy(() -> BertScoreBaseline.read(csv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.csv line 2").hasMessageContaining("column R").hasMessageContaining("'abc'");
        Files.writeString(csv, "encoder,layer,P,R\nfake-one-hot,1,0.5,0.4\n");
        assertThatThrownBy(() -> BertScoreBaseline.read(csv)).hasMessageContaining("lacks column 'F'");
    }
}
