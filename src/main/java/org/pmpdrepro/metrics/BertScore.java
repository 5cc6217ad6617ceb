package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BERTScore (Zhang et al., 2020) as the {@code bert_score} package computes it: tokens matched greedily by
 * cosine similarity of contextual embeddings; precision averages each hypothesis token's best match in
 * the reference, recall each reference token's best match in the hypothesis, optionally idf-weighted.
 *
 * <p>Deliberate difference from {@code bert_score}: special tokens are removed before matching (there they
 * only get zero weight but can still be a token's best match). As in {@code bert_score}: an empty
 * hypothesis or reference scores 0; with several references per sample, P, R and F are each the maximum
 * over the references; rescaling is applied after that maximum.
 */
public record BertScore(TokenEncoder encoder, BertScoreConfig config) implements Metric {

    private static final Logger LOG = LoggerFactory.getLogger(BertScore.class);

    /** The embedded default: {@link MiniLmEncoder#shared()}, no idf, no rescaling. */
    public static BertScore miniLm() {
        return new BertScore(MiniLmEncoder.shared(), BertScoreConfig.plain());
    }

    public BertScore {
        config.baseline().ifPresent(b -> {
            if (!b.encoder().equals(encoder.name()) || b.layer() != encoder.layer()) {
                throw new IllegalArgumentException(b.source() + ": baseline is for " + b.encoder() + " layer " + b.layer()
                        + " but the encoder is " + encoder.name() + " layer " + encoder.layer());
            }
        });
    }

    @Override
    public String name() {
        return "bertscore";
    }

    public String signature(int nrefs) {
        return "bertscore|enc:" + encoder.name() + "|layer:" + encoder.layer() + "|maxlen:" + encoder.maxTokens()
                + "|idf:" + (config.idf() ? "yes" : "no") + "|rescale:" + (config.baseline().isPresent() ? "yes" : "no")
                + "|special:excluded|nrefs:" + nrefs + "|agg:mean-f";
    }

    @Override
    public BertScoreResult score(Corpus corpus) {
        // Encode each distinct text once; the encoder batches them.
        Map<String, Integer> slot = new LinkedHashMap<>();
        corpus.hypotheses().forEach(h -> slot.putIfAbsent(h, slot.size()));
        corpus.referenceStreams().forEach(stream -> stream.forEach(r -> slot.putIfAbsent(r, slot.size())));
        List<TokenEmbeddings> embedded = encoder.encode(List.copyOf(slot.keySet()));
        if (embedded.size() != slot.size()) {
            throw new IllegalStateException(encoder.name() + " returned " + embedded.size() + " encodings for "
                    + slot.size() + " texts");
        }
        List<double[][]> unit = new ArrayList<>(embedded.size());
        embedded.forEach(e -> unit.add(e.normalized()));

        IdfTable idf = config.idf() ? IdfTable.fromReferences(corpus, slot, embedded) : IdfTable.UNIFORM;
        int[] degenerate = new int[1];
        List<PrfScore> samples = new ArrayList<>(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            int h = slot.get(corpus.hypothesis(i));
            double p = Double.NEGATIVE_INFINITY;
            double r = Double.NEGATIVE_INFINITY;
            double f = Double.NEGATIVE_INFINITY;
            for (String ref : corpus.references(i)) {
                int k = slot.get(ref);
                PrfScore s = greedyMatch(embedded.get(h), unit.get(h), embedded.get(k), unit.get(k), idf, degenerate);
                p = Math.max(p, s.precision());
                r = Math.max(r, s.recall());
                f = Math.max(f, s.fmeasure());
            }
            PrfScore s = new PrfScore(p, r, f);
            samples.add(config.baseline().map(b -> b.rescale(s)).orElse(s));
        }
        if (degenerate[0] > 0) {
            LOG.warn("BERTScore: {} hypothesis/reference pairs had no weighted tokens on one side and score 0",
                    degenerate[0]);
        }
        int truncated = (int) embedded.stream().filter(TokenEmbeddings::truncated).count();
        return new BertScoreResult(signature(corpus.referenceStreams().size()), encoder.name(), encoder.layer(), config,
                RougeResult.mean(samples), samples, truncated);
    }

    /** Greedy cosine matching of one hypothesis against one reference. */
    static PrfScore greedyMatch(TokenEmbeddings hyp, double[][] hypUnit, TokenEmbeddings ref, double[][] refUnit,
            IdfTable idf, int[] degenerate) {
        int n = hypUnit.length;
        int m = refUnit.length;
        if (n == 0 || m == 0) {
            degenerate[0]++;
            return PrfScore.ZERO;
        }
        double[] bestForHyp = new double[n];
        double[] bestForRef = new double[m];
        java.util.Arrays.fill(bestForHyp, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(bestForRef, Double.NEGATIVE_INFINITY);
        for (int a = 0; a < n; a++) {
            double[] u = hypUnit[a];
            for (int b = 0; b < m; b++) {
                double[] v = refUnit[b];
                double dot = 0;
                for (int d = 0; d < u.length; d++) {
                    dot += u[d] * v[d];
                }
                if (dot > bestForHyp[a]) {
                    bestForHyp[a] = dot;
                }
                if (dot > bestForRef[b]) {
                    bestForRef[b] = dot;
                }
            }
        }
        double p = weightedMean(bestForHyp, hyp, idf);
        double r = weightedMean(bestForRef, ref, idf);
        if (Double.isNaN(p) || Double.isNaN(r)) {
            degenerate[0]++;
            return PrfScore.ZERO;
        }
        double f = 2 * p * r / (p + r);
        return new PrfScore(p, r, Double.isNaN(f) ? 0.0 : f);
    }

    private static double weightedMean(double[] values, TokenEmbeddings tokens, IdfTable idf) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < values.length; i++) {
            double w = idf.weight(tokens.tokenId(i));
            num += w * values[i];
            den += w;
        }
        return den == 0 ? Double.NaN : num / den;
    }

    /** Token weights: uniform, or idf over the reference documents. */
    record IdfTable(Map<Long, Double> weights, double unseen) {

        static final IdfTable UNIFORM = new IdfTable(Map.of(), 1.0);

        double weight(long tokenId) {
            return weights.getOrDefault(tokenId, unseen);
        }

        /** Document frequency counts each token once per reference; every stream's references are documents. */
        static IdfTable fromReferences(Corpus corpus, Map<String, Integer> slot, List<TokenEmbeddings> embedded) {
            Map<Long, Integer> df = new HashMap<>();
            int docs = 0;
            for (List<String> stream : corpus.referenceStreams()) {
                for (String ref : stream) {
                    docs++;
                    Set<Long> seen = new HashSet<>();
                    for (long id : embedded.get(slot.get(ref)).tokenIds()) {
                        if (seen.add(id)) {
                            df.merge(id, 1, Integer::sum);
                        }
                    }
                }
            }
            Map<Long, Double> w = new HashMap<>();
            int m = docs;
            df.forEach((id, c) -> w.put(id, Math.log((m + 1.0) / (c + 1.0))));
            return new IdfTable(Map.copyOf(w), Math.log(m + 1.0));
        }
    }
}
