package org.pmpdrepro.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.ModelIdentity;
import org.pmpdrepro.quant.bitmixer.BitMixerArtefact;
import org.pmpdrepro.quant.bitmixer.BitMixerSettings;
import org.pmpdrepro.quant.bitmixer.BitMixerTrainer;
import org.pmpdrepro.quant.bitmixer.BlockwiseBitMixerTrainer;
import org.pmpdrepro.quant.bitmixer.FineTuningText;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pmpd bitmixer-train}: Bit-Mixer's quantization-aware fine-tuning of a model on calibration text. */
@Command(
        name = "bitmixer-train",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tunes one shared set of weights so that every linear layer runs at any of --bits (Bit-Mixer):",
            "fake quantization with learned per-row steps, norm gains per width transition, first one random width",
            "per step for the whole network, then random widths per block; the loss distils the full-precision base",
            "model (--distill) and/or fits the calibration text. Writes weights.safetensors and manifest.json to",
            "--out; checkpoints go to --work and an interrupted run resumes from the newest one."
        })
public final class BitMixerTrainCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Base model directory (default: ${DEFAULT-VALUE}).")
    Path model = Path.of("fixtures", "model");

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Calibration text, JSONL of {\"text\": ...} (default: ${DEFAULT-VALUE}).")
    Path calibration = Path.of("fixtures", "tasks", "calibration-text.jsonl");

    @Option(names = "--out", paramLabel = "DIR", description = "Where the artefact goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("fixtures", "quant", "bitmixer");

    @Option(names = "--work", paramLabel = "DIR", description = "Checkpoints (default: ${DEFAULT-VALUE}).")
    Path work = Path.of("work", "bitmixer");

    @Option(names = "--bits", split = ",", defaultValue = "2,3,4,5",
            description = {"Bit-widths (default: ${DEFAULT-VALUE}; 5 lets the 4-bit nominal policy spend",
                "Any-Precision's 4-bit bytes on wider codes)."})
    List<Integer> bits;

    @Option(names = "--steps", defaultValue = "120") int steps;
    @Option(names = "--uniform-steps", defaultValue = "60",
            description = "Steps of the first phase (one width for the whole network).") int uniformSteps;
    @Option(names = "--stop-at", paramLabel = "STEP",
            description = "Stop after this step of the --steps schedule (default: all of it); the result is exactly"
                    + " that step's state of the full run.") Integer stopAt;
    @Option(names = "--batch", defaultValue = "4") int batch;
    @Option(names = "--seq", defaultValue = "128") int seq;
    @Option(names = "--lr", defaultValue = "3e-4") float lr;
    @Option(names = "--warmup", defaultValue = "10") int warmup;
    @Option(names = "--final-lr-ratio", defaultValue = "0.1") float finalLrRatio;
    @Option(names = "--clip", defaultValue = "1.0") float clip;
    @Option(names = "--distill", defaultValue = "1.0", paramLabel = "W",
            description = {"Share of the loss that is KL divergence from the full-precision base model's next-token",
                "distribution; the rest is cross-entropy on the text (default: ${DEFAULT-VALUE})."}) float distill;
    @Option(names = "--seed", defaultValue = "20211011") long seed;
    @Option(names = "--log-every", defaultValue = "5") int logEvery;
    @Option(names = "--checkpoint-every", defaultValue = "10") int checkpointEvery;
    @Option(names = "--eval-windows", defaultValue = "32") int evalWindows;
    @Option(names = "--trim-memory", description = "Hand freed memory back to the kernel after every step: a lower"
            + " peak (57M model: 4.2 GB instead of 7.1 GB), steps about 2.7 times slower; the same results.")
    boolean trimMemory;
    @Option(names = "--blockwise", description = {"Fine-tune one block at a time, each to reproduce the",
        "full-precision block's output (mean squared error) on the stream its quantized predecessors give, instead of",
        "the whole model end to end: memory grows with one block, for models whose end-to-end fine-tuning does not",
        "fit (about 53 bytes per parameter). Every block takes all --steps; the losses before and after are the same",
        "cross-entropy measure. Resumes after the last finished block from --work."})
    boolean blockwise;

    @Override
    public Integer call() throws IOException {
        BitMixerSettings settings = new BitMixerSettings(new TreeSet<>(bits), steps, uniformSteps, batch, seq, lr,
                warmup, finalLrRatio, clip, distill, seed, logEvery, checkpointEvery, evalWindows);
        try (CheckpointDirectory base = CheckpointDirectory.open(model);
                ProjectTokenizer tokenizer = ProjectTokenizer.load(model)) {
            base.validate();
            List<int[]> documents = FineTuningText.load(calibration, tokenizer, base.config().maxPositionEmbeddings());
            int stop = stopAt == null ? steps : stopAt;
            if (stop < 1 || stop > steps) {
                throw new IllegalArgumentException("--stop-at " + stop + ": expected a step in 1.." + steps);
            }
            if (blockwise && stopAt != null) {
                throw new IllegalArgumentException("--stop-at applies to end-to-end fine-tuning; a --blockwise run"
                        + " checkpoints after every block and resumes from --work");
            }
            BitMixerTrainer.Result result = blockwise
                    ? new BlockwiseBitMixerTrainer(settings, work).run(base, documents)
                    : new BitMixerTrainer(settings, work, trimMemory).runUntil(base, documents, stop);
            String modelSha = ModelIdentity.of(model, List.of(CheckpointDirectory.CONFIG,
                    base.weightsFile().getFileName().toString())).sha256();
            BitMixerArtefact.write(out, result, settings, new BitMixerArtefact.Provenance(modelSha,
                    Hashes.sha256Hex(calibration), "pmpd bitmixer-train " + String.join(" ", commandLine())));
            System.out.printf("bit-mixer: %d steps; calibration loss before %s, after %s; written to %s%n",
                    result.steps(), result.initialLoss(), result.finalLoss(), out);
        }
        return 0;
    }

    /** The options that determine the result (not --work, which only holds checkpoints). */
    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--calibration",
                calibration.toString(), "--out", out.toString(), "--bits",
                String.join(",", new TreeSet<>(bits).stream().map(String::valueOf).toList())));
        args.addAll(List.of("--steps", "" + steps, "--uniform-steps", "" + uniformSteps, "--batch", "" + batch,
                "--seq", "" + seq, "--lr", "" + lr, "--warmup", "" + warmup, "--final-lr-ratio", "" + finalLrRatio,
                "--clip", "" + clip, "--distill", "" + distill, "--seed", "" + seed, "--eval-windows",
                "" + evalWindows));
        if (stopAt != null) {
            args.addAll(List.of("--stop-at", "" + stopAt));
        }
        if (blockwise) {
            args.add("--blockwise");
        }
        return args;
    }
}
