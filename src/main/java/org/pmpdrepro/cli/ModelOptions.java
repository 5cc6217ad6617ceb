package org.pmpdrepro.cli;

import java.nio.file.Path;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.TaskRun;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every decoding command shares: which model, on which device, how many prompts at once. */
final class ModelOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory: config.json, model.safetensors"
            + " (or shards) and tokenizer.json (default: ${DEFAULT-VALUE}).")
    Path model = ModelBundle.DEFAULT_DIR;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}; auto takes a GPU when the engine sees one).")
    String device;

    @Option(names = "--batch-size", paramLabel = "N", description = "Prompts decoded together (default: ${DEFAULT-VALUE}).")
    int batchSize = TaskRun.DEFAULT_BATCH_SIZE;

    /** The parsed device; a bad value or batch size is a usage error. */
    DeviceChoice deviceChoice() {
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size " + batchSize + ": expected at least 1");
        }
        try {
            return DeviceChoice.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device " + e.getMessage());
        }
    }
}
