package org.pmpdrepro.train;

import java.io.IOException;
import org.pmpdrepro.io.Progress;

/**
 * The training loop shared by pre-training ({@link Trainer}) and Bit-Mixer's fine-tuning: steps {@code first} to
 * {@code stop - 1} of a schedule, each one {@link TrainingSteps#run} of the step's batch, in this order after the
 * step: the caller's policy for a step that stayed non-finite, its bookkeeping, a progress line when the log is due,
 * its other periodic work (an evaluation), and a checkpoint when one is due. The log and checkpoint fall due every
 * {@code logEvery} and {@code checkpointEvery} steps and at {@code stop}, so a run stopped early can be resumed
 * exactly from its last checkpoint.
 */
public final class TrainingLoop {

    /** What a loop does at each step; steps are 0-based, {@code done} counts the steps finished (1-based). */
    public interface Body {
        /** The batch of step {@code step}. */
        TrainingSteps.Batch batch(int step);

        /**
         * Step {@code step} stayed non-finite after its recomputation and applied no update: throw to stop the run,
         * or return to go on without it.
         */
        void nonFinite(int step, TrainingSteps.Outcome outcome);

        /** Bookkeeping after every step (a running loss); nothing by default. */
        default void stepped(int done, TrainingSteps.Outcome outcome) {}

        /** The detail of the progress line after step {@code done}, when the log is due. */
        String logged(int done, TrainingSteps.Outcome outcome);

        /** Periodic work after the log and before a checkpoint (an evaluation); nothing by default. */
        default void periodic(int done) {}

        /** Saves a checkpoint of the state after step {@code done}. */
        void checkpoint(int done) throws IOException;
    }

    private TrainingLoop() {}

    /** Runs steps {@code first} to {@code stop - 1} of {@code body}, reporting to {@code progress}. */
    public static void run(int first, int stop, int logEvery, int checkpointEvery, Progress progress, Body body)
            throws IOException {
        for (int step = first; step < stop; step++) {
            TrainingSteps.Outcome o = TrainingSteps.run(step + 1, body.batch(step));
            if (!o.finite()) {
                body.nonFinite(step, o);
            }
            int done = step + 1;
            body.stepped(done, o);
            if (TrainingSteps.due(done, logEvery, stop)) {
                String detail = body.logged(done, o);
                progress.advanceTo(done, () -> detail);
            }
            body.periodic(done);
            if (TrainingSteps.due(done, checkpointEvery, stop)) {
                body.checkpoint(done);
            }
        }
    }
}
