package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BLEU with sacrebleu 2.x semantics: corpus and sentence scores on 0-100, several reference streams with
 * the closest reference length, empty references dropped per segment (a segment left with none is an error,
 * as in sacrebleu), empty hypotheses kept.
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
        Set<Integer> refCounts = new HashSet<>();
        for (int i = 0; i < corpus.size(); i++) {
            List<String> refs = nonEmptyReferences(corpus.references(i), i);
            refCounts.add(refs.size());
            NgramStatistics s = statistics(corpus.hypothesis(i), refs);
            stats.add(s);
            sentence.add(config.compute(s).score());
        }
        int nrefs = refCounts.size() == 1 ? refCounts.iterator().next() : -1;
        BleuScore total = config.compute(NgramStatistics.sum(stats, NgramStatistics.allIndices(stats.size())));
        return new BleuResult(name(), config.signature(nrefs), config, total, stats, sentence);
    }

    /** sacrebleu's {@code sentence_score}: one hypothesis against its references, under this configuration. */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        return config.compute(statistics(hypothesis, nonEmptyReferences(references, 0)));
    }

    /** The sufficient statistics of one segment (references already filtered). */
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

    private static List<String> nonEmptyReferences(List<String> refs, int segment) {
        List<String> kept = refs.stream().filter(r -> !r.isEmpty()).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("segment " + segment + " has no non-empty reference (sacrebleu: "
                    + "\"Empty or `None` reference sentence found\"); every segment needs at least one");
        }
        return kept;
    }
}
