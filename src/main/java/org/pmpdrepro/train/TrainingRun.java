package org.pmpdrepro.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;

/** A complete training run from text files: tokenize (cached), train (resumable), report provenance. */
public final class TrainingRun {

    /** The trained weights and what a model card needs to state about them. */
    public record Outcome(int steps, double trainLoss, double validationLoss, Map<String, Tensor> weights,
            TrainingRecord.Trained provenance) {}

    public static Outcome run(LlamaConfig config, TrainConfig settings, Path trainFile, Path validationFile,
            Function<List<String>, List<int[]>> encodeBatch, int bos, int eos, Path work) throws IOException {
        return run(config, settings, trainFile, validationFile, encodeBatch, bos, eos, work, null);
    }

    /** As {@link #run}, continuing from {@code initial} weights (null: a fresh model). */
    public static Outcome run(LlamaConfig config, TrainConfig settings, Path trainFile, Path validationFile,
            Function<List<String>, List<int[]>> encodeBatch, int bos, int eos, Path work,
            Map<String, Tensor> initial) throws IOException {
        return run(config, settings, trainFile, validationFile, encodeBatch, bos, eos, work, initial, null);
    }

    /**
     * Documents of the training corpus that contain {@code marker} appear {@code factor} times (extra copies in an
     * order drawn from {@code seed}).
     */
    public record Oversample(String marker, int factor, long seed) {}

    /** As {@link #run}, with the training corpus reweighted by {@code oversample} (null: as it is). */
    public static Outcome run(LlamaConfig config, TrainConfig settings, Path trainFile, Path validationFile,
            Function<List<String>, List<int[]>> encodeBatch, int bos, int eos, Path work,
            Map<String, Tensor> initial, Oversample oversample) throws IOException {
        TokenCorpus train = TokenCorpus.load(trainFile, encodeBatch, bos, eos, work.resolve("tokens"));
        if (oversample != null) {
            train = train.oversample(trainFile, oversample.marker(), oversample.factor(), oversample.seed(), bos);
        }
        TokenCorpus validation = TokenCorpus.load(validationFile, encodeBatch, bos, eos, work.resolve("tokens"));
        Trainer.Result result = new Trainer(config, settings, work.resolve("checkpoints"), initial)
                .run(train, validation);

        TrainingRecord.Trained p = new TrainingRecord.Trained(Hashes.sha256Hex(trainFile), train.size(),
                train.documents(), Hashes.sha256Hex(validationFile), validation.size(), config.parameterCount(),
                result.steps(), (long) result.steps() * settings.batchSize() * settings.sequenceLength(),
                result.trainLoss(), result.validationLoss(), settings, IntraOpThreads.current(), oversample, null,
                null, null);
        return new Outcome(result.steps(), result.trainLoss(), result.validationLoss(), result.weights(), p);
    }

    private TrainingRun() {}
}
