package org.pmpdrepro.metrics;

import java.util.Optional;

/**
 * BERTScore options.
 *
 * @param idf weight tokens by inverse document frequency over the reference corpus:
 *     {@code ln((M + 1) / (df + 1))} for {@code M} references ({@code bert_score}'s formula)
 * @param baseline rescale P, R and F with this baseline; empty for raw scores
 */
public record BertScoreConfig(boolean idf, Optional<BertScoreBaseline> baseline) {

    public static BertScoreConfig plain() {
        return new BertScoreConfig(false, Optional.empty());
    }

    public BertScoreConfig withIdf(boolean on) {
        return new BertScoreConfig(on, baseline);
    }

    public BertScoreConfig withBaseline(BertScoreBaseline b) {
        return new BertScoreConfig(idf, Optional.of(b));
    }
}
