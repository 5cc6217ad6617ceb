package org.pmpdrepro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.CheckpointWriter;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.train.ModelGrowth;
import org.pmpdrepro.train.TrainingRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pmpd grow}: a wider and/or deeper model that computes what the given one computes, to train further. */
@Command(
        name = "grow",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a grown copy of a model: MLPs widened to --intermediate (new units start with zero output",
            "weights) and --add-layers blocks inserted as copies with zero residual outputs. The grown model gives",
            "the same logits; continue with pmpd train --init-from. training.json records the source and the plan."
        })
public final class GrowCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model to grow.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the grown model is written.")
    Path out;

    @Option(names = "--intermediate", paramLabel = "N",
            description = "MLP width of the grown model (default: unchanged).")
    Integer intermediate;

    @Option(names = "--add-layers", paramLabel = "K", defaultValue = "0",
            description = "Blocks to insert, one after each of K equal groups of blocks (default: ${DEFAULT-VALUE}).")
    int addLayers;

    @Option(names = "--seed", defaultValue = "20241101", description = "Seed of the new MLP rows.")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && Files.isSameFile(out, model)) {
            throw new IllegalArgumentException("--out " + out + " is the model being grown; choose another folder");
        }
        try (CheckpointDirectory source = CheckpointDirectory.open(model)) {
            source.validate();
            int width = intermediate == null ? source.config().intermediateSize() : intermediate;
            ModelGrowth.Plan plan = new ModelGrowth.Plan(width, addLayers, seed);
            InMemoryWeights grown = ModelGrowth.grow(source, plan);
            Files.createDirectories(out);
            CheckpointWriter.write(out, grown.config(), grown.tensors(), DType.F32);
            for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
                if (Files.exists(model.resolve(file))) {
                    AtomicFiles.copy(model.resolve(file), out.resolve(file));
                }
            }
            // initialised_from: the key pmpd train uses for the stage it starts from, so the chain reads the same way.
            TrainingRecord.write(out, new TrainingRecord.Grown(new TrainingRecord.Growth(
                    source.config().parameterCount(), grown.config().parameterCount(), width, addLayers, seed),
                    "pmpd grow --model " + model + " --out " + out + " --intermediate " + width + " --add-layers "
                            + addLayers + " --seed " + seed,
                    TrainingRecord.Stage.of(model, source.weightsFile())));
            System.out.printf("grown %,d -> %,d parameters (intermediate %d, %d layers); written to %s%n",
                    source.config().parameterCount(), grown.config().parameterCount(), width,
                    grown.config().numLayers(), out);
        }
        return 0;
    }
}
