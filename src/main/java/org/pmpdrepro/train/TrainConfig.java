package org.pmpdrepro.train;

/**
 * Optimisation settings of a training run; together with the model configuration, the seed and the corpus hashes
 * they determine the trained weights.
 */
public record TrainConfig(
        int sequenceLength,
        int batchSize,
        int steps,
        int warmupSteps,
        float peakLearningRate,
        float finalLearningRateRatio,
        float weightDecay,
        float clipNorm,
        long seed,
        int logEvery,
        int evalEvery,
        int checkpointEvery,
        int evalWindows) {

    public TrainConfig {
        if (sequenceLength < 2 || batchSize < 1 || steps < 1 || warmupSteps < 0 || evalWindows < 1) {
            throw new IllegalArgumentException("training settings out of range: " + "sequence length "
                    + sequenceLength + ", batch " + batchSize + ", steps " + steps + ", warm-up " + warmupSteps
                    + ", eval windows " + evalWindows);
        }
        if (!(peakLearningRate > 0) || finalLearningRateRatio < 0 || finalLearningRateRatio > 1) {
            throw new IllegalArgumentException("learning rate " + peakLearningRate + " with final ratio "
                    + finalLearningRateRatio + ": expected a positive rate and a ratio in [0, 1]");
        }
    }

    /** Linear warm-up, then cosine decay to {@code finalLearningRateRatio} of the peak. */
    public float learningRate(int step) {
        if (step < warmupSteps) {
            return peakLearningRate * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
        return (float) (peakLearningRate * (finalLearningRateRatio + (1 - finalLearningRateRatio) * cosine));
    }
}
