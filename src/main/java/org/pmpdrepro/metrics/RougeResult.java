package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A ROUGE corpus score: the mean of per-sample F-measures (and, alongside, the means of precision and
 * recall), with every sample's scores.
 */
public record RougeResult(RougeConfig config, String signature, PrfScore corpus, List<PrfScore> samples)
        implements MetricResult {

    public RougeResult {
        samples = List.copyOf(samples);
    }

    static RougeResult of(RougeConfig config, String signature, List<PrfScore> samples) {
        return new RougeResult(config, signature, mean(samples), samples);
    }

    static PrfScore mean(List<PrfScore> samples) {
        double p = 0;
        double r = 0;
        double f = 0;
        for (PrfScore s : samples) {
            p += s.precision();
            r += s.recall();
            f += s.fmeasure();
        }
        int n = samples.size();
        return new PrfScore(p / n, r / n, f / n);
    }

    @Override
    public String metric() {
        return config.type().label();
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
