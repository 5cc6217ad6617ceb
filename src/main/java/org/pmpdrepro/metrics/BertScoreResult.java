package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A BERTScore corpus result: means of per-sample P, R and F1 (the score is mean F1), every sample's scores,
 * and the encoder and layer they come from.
 *
 * @param truncatedTexts how many distinct texts the encoder cut to its maximum length
 */
public record BertScoreResult(String signature, String encoder, int layer, BertScoreConfig config, PrfScore corpus,
        List<PrfScore> samples, int truncatedTexts) implements MetricResult {

    public BertScoreResult {
        samples = List.copyOf(samples);
    }

    @Override
    public String metric() {
        return "bertscore";
    }

    @Override
    public double score() {
        return corpus.fmeasure();
    }

    @Override
    public Aggregation aggregation() {
        return Aggregation.MEAN_OF_SAMPLES;
    }

    @Override
    public List<Double> sampleScores() {
        List<Double> out = new ArrayList<>(samples.size());
        samples.forEach(s -> out.add(s.fmeasure()));
        return out;
    }

    @Override
    public double resampledScore(int[] indices) {
        double sum = 0;
        for (int i : indices) {
            sum += samples.get(i).fmeasure();
        }
        return sum / indices.length;
    }

    @Override
    public Resampler resampler() {
        return MetricResult.meanOf(sampleScores());
    }
}
