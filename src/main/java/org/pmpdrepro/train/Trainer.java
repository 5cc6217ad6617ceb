package org.pmpdrepro.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a Llama model from scratch on a token corpus with next-token cross-entropy, resumable from its last
 * checkpoint. Each step draws its windows from a generator seeded by (seed, step), so a resumed run sees exactly
 * the batches an uninterrupted one would.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final LlamaConfig model;
    private final TrainConfig train;
    private final Path checkpointDir;
    private final Map<String, Tensor> initial;

    public Trainer(LlamaConfig model, TrainConfig train, Path checkpointDir) {
        this(model, train, checkpointDir, null);
    }

    /**
     * A trainer whose step 0 starts from {@code initial} (a trained model's tensors) instead of a random
     * initialisation; null for a fresh model.
     */
    public Trainer(LlamaConfig model, TrainConfig train, Path checkpointDir, Map<String, Tensor> initial) {
        this.model = model;
        this.train = train;
        this.checkpointDir = checkpointDir;
        this.initial = initial;
    }

    /** What a finished run reports. */
    public record Result(int steps, double trainLoss, double validationLoss, Map<String, Tensor> weights) {}

    public Result run(TokenCorpus trainCorpus, TokenCorpus validation) throws IOException {
        return runUntil(trainCorpus, validation, train.steps());
    }

    /**
     * Trains up to step {@code stop} of the configured schedule (the learning-rate schedule still spans all
     * steps) and checkpoints there: a run can be stopped early and resumed exactly.
     */
    Result runUntil(TokenCorpus trainCorpus, TokenCorpus validation, int stop) throws IOException {
        try (NDManager root = NDManager.newBaseManager()) {
            Checkpoint resumed = Checkpoint.latest(checkpointDir, root);
            TrainableLlama llama;
            AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, train.weightDecay(), TrainableLlama::decays, train.clipNorm());
            int start;
            if (resumed != null) {
                llama = TrainableLlama.fromArrays(model, root, resumed.params());
                adam.init(root, llama, resumed.moments(), resumed.step());
                start = resumed.step();
                LOG.info("resuming from step {} ({})", start, resumed.dir().getFileName());
            } else if (initial != null) {
                llama = TrainableLlama.fromTensors(model, root, initial);
                adam.init(root, llama, null, 0);
                start = 0;
                LOG.info("starting from the given trained weights");
            } else {
                llama = TrainableLlama.initialise(model, root, train.seed());
                adam.init(root, llama, null, 0);
                start = 0;
            }
            LOG.info("model {} parameters; {} steps of {} x {} tokens; train corpus {} tokens", model.parameterCount(),
                    train.steps(), train.batchSize(), train.sequenceLength(), trainCorpus.size());

            Progress progress = Progress.of(LOG, "train", train.steps(), "steps")
                    .resumingAt(Math.min(start, train.steps()));
            final int first = start;
            class Pretraining implements TrainingLoop.Body {
                double smoothed = Double.NaN;
                double lastLoss = Double.NaN;
                double valLoss = Double.NaN;

                @Override
                public TrainingSteps.Batch batch(int step) {
                    float lr = train.learningRate(step);
                    long[] windows = trainCorpus.windows(new SplittableRandom(train.seed() * 1_000_003L + step),
                            train.batchSize(), train.sequenceLength());
                    return new TrainingSteps.Batch() {
                        @Override
                        public NDArray loss(NDArray unrecorded) {
                            return Trainer.this.loss(llama, root, windows, train.batchSize());
                        }

                        @Override
                        public float update() {
                            return adam.step(llama, lr);
                        }
                    };
                }

                @Override
                public void nonFinite(int step, TrainingSteps.Outcome o) {
                    throw new IllegalStateException("training diverged: loss " + o.loss() + ", gradient norm "
                            + o.gradNorm() + " at step " + (step + 1) + " (learning rate " + train.learningRate(step)
                            + ") twice; resume from the last checkpoint with a lower --lr");
                }

                @Override
                public void stepped(int done, TrainingSteps.Outcome o) {
                    lastLoss = o.loss();
                    smoothed = Double.isNaN(smoothed) ? o.loss() : 0.95 * smoothed + 0.05 * o.loss();
                }

                @Override
                public String logged(int done, TrainingSteps.Outcome o) {
                    double tokS = (double) (done - first) * train.batchSize() * train.sequenceLength()
                            / progress.elapsedSeconds();
                    return String.format(Locale.ROOT, "loss %.4f (avg %.4f) lr %.2e |g| %.2f %.0f tok/s", o.loss(),
                            smoothed, train.learningRate(done - 1), o.gradNorm(), tokS);
                }

                @Override
                public void periodic(int done) {
                    if (TrainingSteps.due(done, train.evalEvery(), stop)) {
                        valLoss = evaluate(llama, root, validation);
                        LOG.info(String.format("step %d validation loss %.4f (ppl %.2f)", done, valLoss,
                                Math.exp(valLoss)));
                    }
                }

                @Override
                public void checkpoint(int done) throws IOException {
                    Checkpoint.save(checkpointDir, done, llama, adam, lastLoss, valLoss);
                }
            }
            Pretraining body = new Pretraining();
            TrainingLoop.run(start, stop, train.logEvery(), train.checkpointEvery(), progress, body);
            double lastLoss = body.lastLoss;
            double valLoss = body.valLoss;
            if (Double.isNaN(valLoss)) {
                valLoss = evaluate(llama, root, validation);
            }
            return new Result(stop, lastLoss, valLoss, llama.export());
        }
    }

    /** Mean next-token cross-entropy of {@code count} windows. */
    private NDArray loss(LlamaWeights w, NDManager m, long[] windows, int count) {
        int len = train.sequenceLength();
        NDArray all = m.create(windows, new Shape(count, len + 1));
        NDArray inputs = all.get(":, :-1");
        NDArray targets = all.get(":, 1:");
        NDArray positions = m.arange(0, len, 1, DataType.INT64).reshape(1, len).repeat(0, count);
        NDArray hidden = LlamaGraph.hidden(w, inputs, positions, null, null, RowPrecisions.uniform(Precision.FULL, count));
        NDArray logp = LlamaGraph.logits(w, hidden).logSoftmax(-1);
        return logp.gather(targets.expandDims(-1), -1).mean().neg();
    }

    /** Validation loss on fixed windows (seeded independently of training), without gradients. */
    double evaluate(LlamaWeights w, NDManager m, TokenCorpus validation) {
        SplittableRandom rng = new SplittableRandom(train.seed() ^ 0x5DEECE66DL);
        double sum = 0;
        int batches = 0;
        for (int done = 0; done < train.evalWindows(); done += train.batchSize()) {
            int n = Math.min(train.batchSize(), train.evalWindows() - done);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                sum += loss(w, m, validation.windows(rng, n, train.sequenceLength()), n).getFloat() * n;
                batches += n;
            }
        }
        return sum / batches;
    }

    /** A saved training state: parameters, optimizer moments and the step they belong to ({@link Checkpoints}). */
    record Checkpoint(Path dir, int step, Map<String, NDArray> params, Map<String, NDArray> moments) {

        /**
         * The state beside the arrays; a loss not yet measured (the validation loss before the first evaluation)
         * is null.
         */
        @JsonPropertyOrder({"step", "train_loss", "validation_loss"})
        record State(int step, @JsonProperty("train_loss") @JsonBinding.MayBeNull Double trainLoss,
                @JsonProperty("validation_loss") @JsonBinding.MayBeNull Double validationLoss) {}

        static Checkpoint latest(Path root, NDManager manager) throws IOException {
            return Checkpoints.latest(root, manager, State.class).map(c -> new Checkpoint(c.dir(),
                    c.state().step(), c.params(), c.moments())).orElse(null);
        }

        /** Writes a complete checkpoint (scratch directory renamed into place); keeps the last two. */
        static void save(Path root, int step, TrainableLlama llama, AdamW adam, double trainLoss, double valLoss)
                throws IOException {
            Checkpoints.save(root, step, llama.names(), llama.arrays(), adam,
                    new State(step, JsonBinding.finiteOrNull(trainLoss), JsonBinding.finiteOrNull(valLoss)));
        }
    }
}
