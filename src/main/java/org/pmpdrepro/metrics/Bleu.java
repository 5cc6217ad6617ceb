package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code evaluate} library's {@code bleu}: 13a tokens (no lower-casing, no right strip), clipped
 * n-gram matches against the union of references, brevity penalty from the shortest reference of each
 * segment, corpus score on 0-1. Empty references are kept (a zero-length reference is the shortest).
 */
public record Bleu(BleuConfig config) implements Metric {

    public static Bleu defaults() {
        return new Bleu(BleuConfig.defaults());
    }

    @Override
    public String name() {
        return "bleu";
    }

    @Override
    public BleuResult score(Corpus corpus) {
        List<NgramStatistics> stats = new ArrayList<>(corpus.size());
        List<Double> sentence = new ArrayList<>(corpus.size());
        long refTokens = 0;
        for (int i = 0; i < corpus.size(); i++) {
            NgramStatistics s = statistics(corpus.hypothesis(i), corpus.references(i));
            refTokens += s.refLength();
            stats.add(s);
            sentence.add(config.compute(s).score());
        }
        if (refTokens == 0) {
            throw new IllegalArgumentException("every segment's shortest reference is empty, so the reference length "
                    + "is 0 and BLEU's length ratio is undefined (the reference implementation divides by zero)");
        }
        BleuScore total = config.compute(NgramStatistics.sum(stats, NgramStatistics.allIndices(stats.size())));
        return new BleuResult(name(), config.signature(corpus.referenceStreams().size()), config, total, stats, sentence);
    }

    NgramStatistics statistics(String hypothesis, List<String> references) {
        int order = config.maxOrder();
        Map<String, Integer> refMax = new HashMap<>();
        int shortest = Integer.MAX_VALUE;
        for (String ref : references) {
            List<String> tokens = BleuTokenizer.THIRTEEN_A.tokenize(ref);
            shortest = Math.min(shortest, tokens.size());
            Ngrams.maxInto(refMax, Ngrams.count(tokens, 1, order));
        }
        List<String> hyp = BleuTokenizer.THIRTEEN_A.tokenize(hypothesis);
        return Ngrams.clip(Ngrams.count(hyp, 1, order), refMax, order, hyp.size(), shortest);
    }
}
