package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** ROUGE-1/2/L/Lsum with Google rouge_score's semantics; the corpus score is the mean per-sample F-measure. */
public record Rouge(RougeConfig config) implements Metric {

    public static Rouge of(RougeType type, boolean useStemmer) {
        return new Rouge(new RougeConfig(type, useStemmer));
    }

    @Override
    public String name() {
        return config.type().label();
    }

    @Override
    public RougeResult score(Corpus corpus) {
        List<PrfScore> samples = new ArrayList<>(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            samples.add(scoreMulti(corpus.references(i), corpus.hypothesis(i)));
        }
        return RougeResult.of(config, config.signature(corpus.referenceStreams().size()), samples);
    }

    /** rouge_score's {@code score_multi}: the first reference with the highest F-measure wins. */
    public PrfScore scoreMulti(List<String> targets, String prediction) {
        PrfScore best = null;
        for (String target : targets) {
            PrfScore s = score(target, prediction);
            if (best == null || s.fmeasure() > best.fmeasure()) {
                best = s;
            }
        }
        return best;
    }

    /** rouge_score's {@code score(target, prediction)}: precision is measured on the prediction. */
    public PrfScore score(String target, String prediction) {
        RougeTokenizer tok = new RougeTokenizer(config.useStemmer());
        return switch (config.type()) {
            case ROUGE_1 -> ngramScore(tok.tokenize(target), tok.tokenize(prediction), 1);
            case ROUGE_2 -> ngramScore(tok.tokenize(target), tok.tokenize(prediction), 2);
            case ROUGE_L -> lcsScore(tok.tokenize(target), tok.tokenize(prediction));
            case ROUGE_LSUM -> summaryLevelLcs(sentences(target, tok), sentences(prediction, tok));
        };
    }

    private static PrfScore ngramScore(List<String> target, List<String> prediction, int n) {
        Map<String, Integer> t = Ngrams.count(target, n, n);
        Map<String, Integer> p = Ngrams.count(prediction, n, n);
        int overlap = 0;
        for (Map.Entry<String, Integer> e : t.entrySet()) {
            overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
        }
        int tCount = Math.max(0, target.size() - n + 1);
        int pCount = Math.max(0, prediction.size() - n + 1);
        return PrfScore.of((double) overlap / Math.max(pCount, 1), (double) overlap / Math.max(tCount, 1));
    }

    private static PrfScore lcsScore(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return PrfScore.ZERO;
        }
        int lcs = Lcs.length(target, prediction);
        return PrfScore.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    /** Newline-separated sentences (empty lines dropped), each tokenised. */
    private static List<List<String>> sentences(String text, RougeTokenizer tok) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(tok.tokenize(line));
            }
        }
        return out;
    }

    /**
     * Summary-level LCS: for each reference sentence, the union of its LCS with every candidate sentence;
     * hits are counted with per-token budgets so no token is credited more often than it occurs on either side.
     */
    private static PrfScore summaryLevelLcs(List<List<String>> refSents, List<List<String>> canSents) {
        if (refSents.isEmpty() || canSents.isEmpty()) {
            return PrfScore.ZERO;
        }
        int m = refSents.stream().mapToInt(List::size).sum();
        int n = canSents.stream().mapToInt(List::size).sum();
        if (m == 0 || n == 0) {
            return PrfScore.ZERO;
        }
        Map<String, Integer> refBudget = new HashMap<>();
        Map<String, Integer> canBudget = new HashMap<>();
        refSents.forEach(s -> s.forEach(t -> refBudget.merge(t, 1, Integer::sum)));
        canSents.forEach(s -> s.forEach(t -> canBudget.merge(t, 1, Integer::sum)));
        int hits = 0;
        for (List<String> ref : refSents) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> can : canSents) {
                union.addAll(Lcs.refIndices(ref, can));
            }
            for (int idx : union) {
                String token = ref.get(idx);
                if (canBudget.getOrDefault(token, 0) > 0 && refBudget.getOrDefault(token, 0) > 0) {
                    hits++;
                    canBudget.merge(token, -1, Integer::sum);
                    refBudget.merge(token, -1, Integer::sum);
                }
            }
        }
        return PrfScore.of((double) hits / n, (double) hits / m);
    }
}
