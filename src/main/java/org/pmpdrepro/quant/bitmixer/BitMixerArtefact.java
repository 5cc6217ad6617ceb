package org.pmpdrepro.quant.bitmixer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.model.LlamaConfig;

/**
 * Fine-tuned Bit-Mixer weights on disk: {@value #WEIGHTS} ({@link BitMixerWeights}, fp32) and {@value #MANIFEST}
 * naming what produced them (base model and calibration hashes, settings, losses, the command). Each file is
 * replaced atomically; the manifest, written last, records the weights' hash, so a weights file from another run
 * (or a torn pair) is refused on reading.
 */
public final class BitMixerArtefact {

    public static final String WEIGHTS = "weights.safetensors";
    public static final String MANIFEST = "manifest.json";

    private BitMixerArtefact() {}

    /** What the manifest says the weights were made from. */
    public record Provenance(String modelSha256, String calibrationSha256, String command) {}

    /**
     * The manifest, bound strictly ({@link JsonBinding}).
     *
     * @param pytorchIntraOpThreads the thread count it was trained with: fine-tuning is bit-reproducible across
     *     processes only with one PyTorch intra-op thread
     */
    @JsonPropertyOrder({"method", "weights_file", "weights_sha256", "base_model_sha256", "calibration_sha256",
        "command", "steps", "seed", "pytorch_intra_op_threads", "settings", "calibration_loss_before",
        "calibration_loss_after", "skipped_steps", "training_log"})
    public record Manifest(String method, @JsonProperty("weights_file") String weightsFile,
            @JsonProperty("weights_sha256") String weightsSha256,
            @JsonProperty("base_model_sha256") String baseModelSha256,
            @JsonProperty("calibration_sha256") String calibrationSha256, String command, int steps, long seed,
            @JsonProperty("pytorch_intra_op_threads") int pytorchIntraOpThreads, BitMixerSettings settings,
            @JsonProperty("calibration_loss_before") LinkedHashMap<String, Double> calibrationLossBefore,
            @JsonProperty("calibration_loss_after") LinkedHashMap<String, Double> calibrationLossAfter,
            @JsonProperty("skipped_steps") List<Integer> skippedSteps,
            @JsonProperty("training_log") List<LogEntry> trainingLog) {}

    /** One line of the training log: the step, the width it trained, its loss and learning rate. */
    @JsonPropertyOrder({"step", "bits", "loss", "lr"})
    public record LogEntry(int step, String bits, double loss, float lr) {}

    /** Writes the weights of {@code result} and the manifest into {@code dir}. */
    public static void write(Path dir, BitMixerTrainer.Result result, BitMixerSettings settings,
            Provenance provenance) throws IOException {
        Files.createDirectories(dir);
        Path weights = dir.resolve(WEIGHTS);
        result.weights().write(weights, Map.of("method", BitMixerModel.METHOD,
                "base_model_sha256", provenance.modelSha256()));
        LinkedHashMap<String, Double> before = new LinkedHashMap<>();
        result.initialLoss().forEach((b, l) -> before.put(b + "bit", l));
        LinkedHashMap<String, Double> after = new LinkedHashMap<>();
        result.finalLoss().forEach((b, l) -> after.put(b + "bit", l));
        List<LogEntry> log = result.log().stream()
                .map(l -> new LogEntry(l.step(), l.bits(), l.loss(), l.learningRate())).toList();
        Manifest m = new Manifest(BitMixerModel.METHOD, WEIGHTS, Hashes.sha256Hex(weights), provenance.modelSha256(),
                provenance.calibrationSha256(), provenance.command(), result.steps(), settings.seed(),
                IntraOpThreads.current(), settings, before, after, result.skippedSteps(), log);
        AtomicFiles.writeText(dir.resolve(MANIFEST), JsonBinding.write(m));
    }

    /**
     * The manifest of {@code dir}; a file that does not fit is an {@link IOException} naming it and the field by its
     * JSON path.
     */
    public static Manifest manifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist; regenerate it with 'pmpd bitmixer-train --out " + dir + "'");
        }
        Manifest m = JsonBinding.read(file, Manifest.class);
        if (!BitMixerModel.METHOD.equals(m.method()) || !WEIGHTS.equals(m.weightsFile())) {
            throw new IOException(file + ": method '" + m.method() + "', weights_file '" + m.weightsFile()
                    + "'; expected '" + BitMixerModel.METHOD + "' and '" + WEIGHTS + "'");
        }
        return m;
    }

    /**
     * The weights of {@code dir} for a model of {@code config} whose identity is {@code modelSha256} (null to skip
     * that check). A weights file whose hash differs from the manifest's, or a manifest for another base model, is
     * an error naming both hashes.
     */
    public static BitMixerWeights read(Path dir, LlamaConfig config, String modelSha256) throws IOException {
        Manifest m = manifest(dir);
        Path weights = dir.resolve(WEIGHTS);
        String actual = Hashes.sha256Hex(weights);
        if (!m.weightsSha256().equals(actual)) {
            throw new IOException(weights + " has SHA-256 " + actual + "; " + dir.resolve(MANIFEST)
                    + " field 'weights_sha256' expects " + m.weightsSha256() + " (a partial or foreign file;"
                    + " regenerate with the manifest's command)");
        }
        if (modelSha256 != null && !modelSha256.equals(m.baseModelSha256())) {
            throw new IOException(dir.resolve(MANIFEST) + " field 'base_model_sha256' is " + m.baseModelSha256()
                    + "; the model given has " + modelSha256 + ": fine-tuned from another model, regenerate with "
                    + m.command());
        }
        return BitMixerWeights.read(weights, config);
    }
}
