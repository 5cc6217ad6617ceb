package org.pmpdrepro.quant.bitmixer;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The fine-tuning schedule; with the base model, the calibration text and the seed it determines the weights.
 *
 * @param bitWidths the widths every matrix must serve
 * @param steps optimizer steps in all
 * @param uniformSteps the first phase: each step draws one bit-width for the whole network; afterwards each
 *     block draws its own per matrix group (the original's progressive schedule)
 * @param batchSize windows per step
 * @param sequenceLength tokens per window
 * @param learningRate peak AdamW rate, reached after {@code warmupSteps} and decayed by a cosine to
 *     {@code finalLearningRateRatio} of itself
 * @param clipNorm global gradient-norm clip, 0 for none
 * @param distillWeight the share of the training loss that is distillation from the full-precision base model
 *     ({@code KL(p_full || p_quantized)} per token); the rest is next-token cross-entropy on the calibration text
 * @param seed draws of windows and bit-widths
 * @param logEvery steps between progress lines
 * @param checkpointEvery steps between checkpoints
 * @param evalWindows fixed calibration windows the loss at each width is measured on before and after
 */
public record BitMixerSettings(
        SortedSet<Integer> bitWidths,
        int steps,
        int uniformSteps,
        int batchSize,
        int sequenceLength,
        float learningRate,
        int warmupSteps,
        float finalLearningRateRatio,
        float clipNorm,
        float distillWeight,
        long seed,
        int logEvery,
        int checkpointEvery,
        int evalWindows) {

    public BitMixerSettings {
        bitWidths = Collections.unmodifiableSortedSet(new TreeSet<>(bitWidths));
        if (bitWidths.isEmpty()) {
            throw new IllegalArgumentException("no bit-width to fine-tune for; expected e.g. 2,3,4");
        }
        bitWidths.forEach(LsqGrid::requireBits);
        if (steps < 1 || uniformSteps < 0 || uniformSteps > steps) {
            throw new IllegalArgumentException("steps " + steps + " with a uniform first phase of " + uniformSteps
                    + ": expected steps >= 1 and 0 <= uniform phase <= steps");
        }
        if (batchSize < 1 || sequenceLength < 2 || evalWindows < 1 || logEvery < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("batch " + batchSize + ", sequence length " + sequenceLength
                    + ", eval windows " + evalWindows + ", log every " + logEvery + ", checkpoint every "
                    + checkpointEvery + ": expected batch, windows and intervals >= 1 and sequences >= 2");
        }
        if (!(distillWeight >= 0 && distillWeight <= 1)) {
            throw new IllegalArgumentException("distillation weight " + distillWeight
                    + ": expected a share of the loss in [0, 1]");
        }
        if (!(learningRate > 0) || warmupSteps < 0 || finalLearningRateRatio < 0 || finalLearningRateRatio > 1
                || clipNorm < 0) {
            throw new IllegalArgumentException("learning rate " + learningRate + ", warm-up " + warmupSteps
                    + ", final ratio " + finalLearningRateRatio + ", clip " + clipNorm
                    + ": expected a positive rate, warm-up >= 0, ratio in [0, 1], clip >= 0");
        }
    }

    /** Linear warm-up, then cosine decay to {@code finalLearningRateRatio} of the peak. */
    public float learningRate(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
        return (float) (learningRate * (finalLearningRateRatio + (1 - finalLearningRateRatio) * cosine));
    }
}
