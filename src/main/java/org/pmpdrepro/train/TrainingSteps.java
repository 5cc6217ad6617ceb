package org.pmpdrepro.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimizer step of a training loop, shared by pre-training ({@link Trainer}) and Bit-Mixer's fine-tuning: the
 * batch's loss recorded under a gradient collector and its backward pass, in a scope that frees the step's arrays
 * before the optimizer's update (which frees its own as it goes). A step is a pure function of (parameters, step),
 * so a non-finite loss or gradient norm is recomputed once. The transient non-finite results once seen came from
 * graph constants freed before the backward pass (fixed, see {@code ScalarOperands}); the recomputation stays as a
 * guard, and a second non-finite result is for the loop to judge (pre-training stops, Bit-Mixer skips the batch up
 * to a limit).
 */
public final class TrainingSteps {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSteps.class);

    /** The batch of one step, computed in the step's scope. */
    public interface Batch {
        /** Work outside the gradient recording (a teacher's targets), before {@link #loss}; may return null. */
        default NDArray unrecorded() {
            return null;
        }

        /** The scalar loss, recorded for the backward pass; {@code unrecorded} is what {@link #unrecorded} gave. */
        NDArray loss(NDArray unrecorded);

        /** Applies the optimizer to the gradients just computed; returns the gradient norm. */
        float update();
    }

    /** A step's loss and gradient norm (NaN when no update was applied). */
    public record Outcome(double loss, float gradNorm) {
        public boolean finite() {
            return Double.isFinite(loss) && Float.isFinite(gradNorm);
        }
    }

    private TrainingSteps() {}

    /** Step {@code step} (1-based, as the logs count) of {@code batch}, computed a second time if not finite. */
    public static Outcome run(int step, Batch batch) {
        Outcome o = new Outcome(Double.NaN, Float.NaN);
        for (int attempt = 1; attempt <= 2 && !o.finite(); attempt++) {
            double loss;
            float gradNorm;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray unrecorded = batch.unrecorded();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray lossArray = batch.loss(unrecorded);
                    gc.backward(lossArray);
                    loss = lossArray.getFloat();
                }
            }
            // The forward pass's arrays are freed before the update makes its own: the parameters keep their
            // gradients, which is all the update reads.
            gradNorm = Double.isFinite(loss) ? batch.update() : Float.NaN;
            o = new Outcome(loss, gradNorm);
            if (!o.finite()) {
                LOG.warn("step {} attempt {}: non-finite loss {} or gradient norm {}; no update applied", step, attempt,
                        loss, gradNorm);
            }
        }
        return o;
    }

    /** Whether a cadence of {@code every} steps falls due after {@code done} steps, or the run ends at {@code last}. */
    public static boolean due(int done, int every, int last) {
        return done % every == 0 || done == last;
    }
}
