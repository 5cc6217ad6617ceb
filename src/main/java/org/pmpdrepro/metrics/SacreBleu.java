package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU with the semantics of the sacrebleu 2.6.0 release: corpus and sentence scores on 0-100, several
 * reference streams with the closest reference length (ties to the shorter), empty hypotheses and empty
 * references kept (an empty reference is a reference of length 0, as the release treats it; only its
 * unreleased development branch drops them).
 */
public record SacreBleu(SacreBleuConfig config) implements Metric {

    public static SacreBleu defaults() {
        return new SacreBleu(SacreBleuConfig.defaults());
    }

    @Override
    public String name() {
        return "sacrebleu";
    }

    @Override
    public BleuResult score(Corpus corpus) {
        List<NgramStatistics> stats = new ArrayList<>(corpus.size());
        List<Double> sentence = new ArrayList<>(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            NgramStatistics s = statistics(corpus.hypothesis(i), corpus.references(i));
            stats.add(s);
            sentence.add(config.compute(s).score());
        }
        // Every segment has one reference per stream (a Corpus holds no missing references), so nrefs is fixed.
        int nrefs = corpus.referenceStreams().size();
        BleuScore total = config.compute(NgramStatistics.sum(stats, NgramStatistics.allIndices(stats.size())));
        return new BleuResult(name(), config.signature(nrefs), config, total, stats, sentence);
    }

    /** sacrebleu's {@code sentence_score}: one hypothesis against its references, under this configuration. */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("sentence BLEU needs at least one reference");
        }
        return config.compute(statistics(hypothesis, references));
    }

    /** The sufficient statistics of one segment. */
    NgramStatistics statistics(String hypothesis, List<String> references) {
        int order = config.maxNgramOrder();
        Map<String, Integer> refMax = new HashMap<>();
        List<Integer> refLengths = new ArrayList<>(references.size());
        for (String ref : references) {
            List<String> tokens = config.preprocess(ref);
            refLengths.add(tokens.size());
            Ngrams.maxInto(refMax, Ngrams.count(tokens, 1, order));
        }
        List<String> hyp = config.preprocess(hypothesis);
        return Ngrams.clip(Ngrams.count(hyp, 1, order), refMax, order, hyp.size(), closestLength(hyp.size(), refLengths));
    }

    /** The reference length closest to the hypothesis length; ties go to the shorter reference. */
    static int closestLength(int hypLength, List<Integer> refLengths) {
        int bestDiff = -1;
        int best = -1;
        for (int len : refLengths) {
            int diff = Math.abs(hypLength - len);
            if (bestDiff == -1 || diff < bestDiff) {
                bestDiff = diff;
                best = len;
            } else if (diff == bestDiff && len < best) {
                best = len;
            }
        }
        return best;
    }
}
