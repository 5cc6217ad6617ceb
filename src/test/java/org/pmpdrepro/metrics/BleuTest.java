package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper's BLEU ({@code evaluate}'s bleu) and how it differs from sacreBLEU. */
@Tag("unit")
class BleuTest {

    private final Corpus vectors = new Corpus(
            List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."),
            List.of(List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first.")));

    @Test
    void withOneReferenceItIsUnsmoothedSacrebleuOnTheZeroToOneScale() {
        double sacre = new SacreBleu(SacreBleuConfig.defaults().withSmoothing(Smoothing.NONE)).score(vectors).score();
        BleuResult paper = Bleu.defaults().score(vectors);
        assertThat(paper.score()).isCloseTo(sacre / 100, within(1e-12));
        assertThat(paper.aggregation()).isEqualTo(Aggregation.CORPUS_STATISTICS);
        assertThat(paper.signature()).contains("bp:shortest-ref", "scale:0-1");
    }

    @Test
    void brevityPenaltyUsesTheShortestReferenceWhereSacrebleuUsesTheClosest() {
        Corpus c = new Corpus(List.of("the cat sat on the mat"),
                List.of(List.of("the cat sat on the mat here"), List.of("the cat sat")));
        BleuResult paper = Bleu.defaults().score(c);
        assertThat(paper.corpus().refLength()).isEqualTo(3);
        assertThat(paper.score()).isCloseTo(1.0, within(1e-12));
        BleuResult sacre = new SacreBleu(SacreBleuConfig.defaults().withSmoothing(Smoothing.NONE)).score(c);
        assertThat(sacre.corpus().refLength()).isEqualTo(7);
        assertThat(sacre.score()).isCloseTo(100 * Math.exp(1 - 7.0 / 6), within(1e-9));
    }

    @Test
    void withoutSmoothingAMissingOrderGivesZeroAndAddOneSmoothingDoesNot() {
        Corpus c = Corpus.singleReference(List.of("the cat"), List.of("the cat"));
        assertThat(Bleu.defaults().score(c).score()).isZero();
        BleuScore smoothed = new Bleu(new BleuConfig(4, true)).score(c).corpus();
        // Lin and Och: (m + 1) / (t + 1) for every order: 3/3, 2/2, 1/1, 1/1.
        assertThat(smoothed.precisions()).containsExactly(1.0, 1.0, 1.0, 1.0);
        assertThat(smoothed.score()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void anEmptyHypothesisCorpusScoresZeroAndAnEmptyReferenceCorpusIsRefused() {
        assertThat(Bleu.defaults().score(Corpus.singleReference(List.of("", ""), List.of("a b", "c"))).score()).isZero();
        assertThatThrownBy(() -> Bleu.defaults().score(Corpus.singleReference(List.of("a b"), List.of(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference length is 0");
    }
}
