package org.pmpdrepro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.CheckpointWriter;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.pmpdrepro.train.TrainConfig;
import org.pmpdrepro.train.TrainingRecord;
import org.pmpdrepro.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pmpd train}: trains the fixture model from scratch, resumably, and writes it in the Hugging Face layout. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a Llama-architecture model on a JSONL text corpus ({\"text\": ...} per line) and writes",
            "config.json, model.safetensors, tokenizer.json and training.json to --out.",
            "Checkpoints go to --work; an interrupted run resumes from the newest one."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training corpus (JSONL).")
    Path trainFile;

    @Option(names = "--validation", required = true, paramLabel = "FILE",
            description = "Validation corpus (JSONL), disjoint from the training packages.")
    Path validationFile;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH", description = "tokenizer.json or its folder.")
    Path tokenizerPath;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the trained model is written.")
    Path out;

    @Option(names = "--work", defaultValue = "work/train", paramLabel = "DIR",
            description = "Checkpoints and token caches (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--init-from", paramLabel = "DIR",
            description = {"Continue training this model directory's weights under the new schedule (its config.json",
                "sets the architecture; the architecture options are then ignored). Its training.json is kept as",
                "the record of the earlier stage."})
    Path initFrom;

    @Option(names = "--oversample", paramLabel = "TEXT=K",
            description = {"Training documents containing TEXT appear K times (a backslash-n in TEXT is a newline),",
                "e.g. '\\nFrench: =4' to weight the translation pairs; the extra copies are shuffled with --seed."})
    String oversample;

    @Option(names = "--hidden", defaultValue = "256") int hidden;
    @Option(names = "--intermediate", defaultValue = "688") int intermediate;
    @Option(names = "--layers", defaultValue = "6") int layers;
    @Option(names = "--heads", defaultValue = "8") int heads;
    @Option(names = "--kv-heads", defaultValue = "4") int kvHeads;
    @Option(names = "--max-positions", defaultValue = "512") int maxPositions;
    @Option(names = "--untied", description = "Separate output head instead of tied embeddings.") boolean untied;

    @Option(names = "--seq", defaultValue = "256", description = "Training window length.") int seq;
    @Option(names = "--batch", defaultValue = "16") int batch;
    @Option(names = "--steps", defaultValue = "3000") int steps;
    @Option(names = "--warmup", defaultValue = "100") int warmup;
    @Option(names = "--lr", defaultValue = "2e-3") float lr;
    @Option(names = "--final-lr-ratio", defaultValue = "0.1") float finalLrRatio;
    @Option(names = "--weight-decay", defaultValue = "0.1") float weightDecay;
    @Option(names = "--clip", defaultValue = "1.0") float clip;
    @Option(names = "--seed", defaultValue = "20241017") long seed;
    @Option(names = "--log-every", defaultValue = "10") int logEvery;
    @Option(names = "--eval-every", defaultValue = "200") int evalEvery;
    @Option(names = "--checkpoint-every", defaultValue = "100") int checkpointEvery;
    @Option(names = "--eval-windows", defaultValue = "64") int evalWindows;

    @Override
    public Integer call() throws IOException {
        try (ProjectTokenizer tokenizer = ProjectTokenizer.load(tokenizerPath)) {
            LlamaConfig config = new LlamaConfig(tokenizer.vocabSize(), hidden, intermediate, layers, heads, kvHeads,
                    maxPositions, 1e-5, 10000.0, !untied, tokenizer.bosId(), tokenizer.eosId());
            Map<String, Tensor> initial = null;
            TrainingRecord.Stage previousStage = null;
            if (initFrom != null) {
                try (CheckpointDirectory start = CheckpointDirectory.open(initFrom)) {
                    start.validate();
                    config = start.config();
                    initial = new LinkedHashMap<>();
                    for (String name : start.names()) {
                        initial.put(name, start.tensor(name));
                    }
                }
                previousStage = TrainingRecord.Stage.of(initFrom, initFrom.resolve("model.safetensors"));
            }
            TrainConfig settings = new TrainConfig(seq, batch, steps, warmup, lr, finalLrRatio, weightDecay, clip, seed,
                    logEvery, evalEvery, checkpointEvery, evalWindows);
            TrainingRun.Outcome outcome = TrainingRun.run(config, settings, trainFile, validationFile,
                    tokenizer::encodeBatch, tokenizer.bosId(), tokenizer.eosId(), work, initial, parseOversample());

            Files.createDirectories(out);
            CheckpointWriter.write(out, config, outcome.weights(), DType.F32);
            Path tokenizerFile = Files.isDirectory(tokenizerPath) ? tokenizerPath.resolve("tokenizer.json") : tokenizerPath;
            Path target = out.resolve("tokenizer.json");
            if (!Files.exists(target) || !Files.isSameFile(tokenizerFile, target)) {
                AtomicFiles.copy(tokenizerFile, target);
            }
            TrainingRecord.write(out, outcome.provenance().ranBy("pmpd train " + String.join(" ", commandLine()),
                    previousStage));
            System.out.printf("trained %d steps: train loss %.4f, validation loss %.4f; written to %s%n",
                    outcome.steps(), outcome.trainLoss(), outcome.validationLoss(), out);
        }
        return 0;
    }

    private TrainingRun.Oversample parseOversample() {
        if (oversample == null) {
            return null;
        }
        int eq = oversample.lastIndexOf('=');
        int factor;
        try {
            factor = eq > 0 ? Integer.parseInt(oversample.substring(eq + 1)) : -1;
        } catch (NumberFormatException e) {
            factor = -1;
        }
        if (factor < 1) {
            throw new IllegalArgumentException("--oversample '" + oversample
                    + "': expected TEXT=K with a non-empty TEXT and an integer K >= 1");
        }
        return new TrainingRun.Oversample(oversample.substring(0, eq).replace("\\n", "\n"), factor, seed);
    }

    private java.util.List<String> commandLine() {
        java.util.List<String> args = new java.util.ArrayList<>();
        if (initFrom != null) {
            args.addAll(java.util.List.of("--init-from", initFrom.toString()));
        }
        args.addAll(java.util.List.of("--train", trainFile.toString(), "--validation", validationFile.toString(),
                "--tokenizer", tokenizerPath.toString(), "--out", out.toString()));
        if (initFrom == null) {
            // With --init-from the architecture comes from the starting model, so these flags would mislead.
            args.addAll(java.util.List.of("--hidden", "" + hidden, "--intermediate", "" + intermediate, "--layers",
                    "" + layers, "--heads", "" + heads, "--kv-heads", "" + kvHeads, "--max-positions", "" + maxPositions));
        }
        args.addAll(java.util.List.of("--seq", "" + seq, "--batch", "" + batch, "--steps", "" + steps, "--warmup",
                "" + warmup, "--lr", "" + lr, "--final-lr-ratio", "" + finalLrRatio, "--weight-decay", "" + weightDecay,
                "--clip", "" + clip, "--seed", "" + seed));
        if (oversample != null) {
            args.addAll(java.util.List.of("--oversample", "'" + oversample + "'"));
        }
        return args;
    }
}
