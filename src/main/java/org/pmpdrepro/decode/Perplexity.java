package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Token-level perplexity of a model at one weight precision: {@code exp} of the mean negative log-likelihood of
 * every token after the first of each sequence, all tokens weighted equally (as language-model evaluations of
 * quantized models report it).
 */
public final class Perplexity {

    /** The result with what it was computed over. */
    public record Result(double perplexity, double meanNll, long predictedTokens, int sequences) {}

    private Perplexity() {}

    /**
     * Perplexity of {@code model} served at {@code precision} over {@code sequences} (each at least 2 tokens, none
     * longer than the model's positions), {@code batchSize} sequences per forward pass. Sequences are
     * right-padded: under the causal mask padding after a sequence never influences its real tokens.
     */
    public static Result of(DjlLlama model, List<int[]> sequences, Precision precision, int batchSize) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to compute perplexity over");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
        }
        int limit = model.config().maxPositionEmbeddings();
        for (int i = 0; i < sequences.size(); i++) {
            int n = sequences.get(i).length;
            if (n < 2 || n > limit) {
                throw new IllegalArgumentException("sequence " + i + " has " + n + " tokens; expected 2.."
                        + limit);
            }
        }
        double nll = 0;
        long count = 0;
        for (int from = 0; from < sequences.size(); from += batchSize) {
            List<int[]> batch = sequences.subList(from, Math.min(sequences.size(), from + batchSize));
            double[] sumAndCount = batchNll(model, batch, precision);
            nll += sumAndCount[0];
            count += (long) sumAndCount[1];
        }
        double mean = nll / count;
        return new Result(Math.exp(mean), mean, count, sequences.size());
    }

    private static double[] batchNll(DjlLlama model, List<int[]> batch, Precision precision) {
        int rows = batch.size();
        int width = 0;
        for (int[] s : batch) {
            width = Math.max(width, s.length);
        }
        int time = width - 1;
        long[] inputs = new long[rows * time];
        long[] positions = new long[rows * time];
        long[] targets = new long[rows * time];
        float[] mask = new float[rows * time];
        int predicted = 0;
        for (int r = 0; r < rows; r++) {
            int[] s = batch.get(r);
            for (int t = 0; t < time; t++) {
                positions[r * time + t] = t;
                if (t + 1 < s.length) {
                    inputs[r * time + t] = s[t];
                    targets[r * time + t] = s[t + 1];
                    mask[r * time + t] = 1f;
                    predicted++;
                } else {
                    inputs[r * time + t] = s[s.length - 1];
                }
            }
        }
        try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray ids = m.create(inputs, new Shape(rows, time));
            NDArray pos = m.create(positions, new Shape(rows, time));
            NDArray hidden = LlamaGraph.hiddenInference(model, ids, pos, null, null,
                    RowPrecisions.uniform(precision, rows));
            NDArray logProbs = LlamaGraph.logits(model, hidden).logSoftmax(-1);
            NDArray picked = logProbs.mul(m.create(targets, new Shape(rows, time))
                    .oneHot(model.config().vocabSize())).sum(new int[] {-1});
            double sum = -picked.mul(m.create(mask, new Shape(rows, time))).sum()
                    .toType(DataType.FLOAT64, false).getDouble();
            return new double[] {sum, predicted};
        }
    }
}
