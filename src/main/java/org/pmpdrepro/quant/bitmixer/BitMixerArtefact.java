package org.pmpdrepro.quant.bitmixer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;
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

    private static final ObjectMapper JSON = Json.mapper();

    private BitMixerArtefact() {}

    /** What the manifest says the weights were made from. */
    public record Provenance(String modelSha256, String calibrationSha256, String command) {}

    /** Writes the weights of {@code result} and the manifest into {@code dir}. */
    public static void write(Path dir, BitMixerTrainer.Result result, BitMixerSettings settings,
            Provenance provenance) throws IOException {
        Files.createDirectories(dir);
        Path weights = dir.resolve(WEIGHTS);
        result.weights().write(weights, Map.of("method", BitMixerModel.METHOD,
                "base_model_sha256", provenance.modelSha256()));
        ObjectNode m = JSON.createObjectNode();
        m.put("method", BitMixerModel.METHOD);
        m.put("weights_file", WEIGHTS);
        m.put("weights_sha256", Hashes.sha256Hex(weights));
        m.put("base_model_sha256", provenance.modelSha256());
        m.put("calibration_sha256", provenance.calibrationSha256());
        m.put("command", provenance.command());
        m.put("steps", result.steps());
        m.put("seed", settings.seed());
        // Fine-tuning is bit-reproducible across processes only with one PyTorch intra-op thread.
        m.put("pytorch_intra_op_threads", IntraOpThreads.current());
        m.putPOJO("settings", settings);
        ObjectNode before = m.putObject("calibration_loss_before");
        result.initialLoss().forEach((b, l) -> before.put(b + "bit", l));
        ObjectNode after = m.putObject("calibration_loss_after");
        result.finalLoss().forEach((b, l) -> after.put(b + "bit", l));
        ArrayNode skipped = m.putArray("skipped_steps");
        result.skippedSteps().forEach(skipped::add);
        ArrayNode log = m.putArray("training_log");
        for (BitMixerTrainer.LogLine l : result.log()) {
            log.addObject().put("step", l.step()).put("bits", l.bits()).put("loss", l.loss())
                    .put("lr", l.learningRate());
        }
        AtomicFiles.writeText(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    /** The manifest of {@code dir}. */
    public static JsonNode manifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist; regenerate it with 'pmpd bitmixer-train --out " + dir + "'");
        }
        return Json.read(file);
    }

    /**
     * The weights of {@code dir} for a model of {@code config} whose identity is {@code modelSha256} (null to skip
     * that check). A weights file whose hash differs from the manifest's, or a manifest for another base model, is
     * an error naming both hashes.
     */
    public static BitMixerWeights read(Path dir, LlamaConfig config, String modelSha256) throws IOException {
        JsonNode m = manifest(dir);
        Path weights = dir.resolve(WEIGHTS);
        String expected = text(m, "weights_sha256", dir);
        String actual = Hashes.sha256Hex(weights);
        if (!expected.equals(actual)) {
            throw new IOException(weights + " has SHA-256 " + actual + "; " + dir.resolve(MANIFEST)
                    + " field 'weights_sha256' expects " + expected + " (a partial or foreign file; regenerate with"
                    + " the manifest's command)");
        }
        String base = text(m, "base_model_sha256", dir);
        if (modelSha256 != null && !modelSha256.equals(base)) {
            throw new IOException(dir.resolve(MANIFEST) + " field 'base_model_sha256' is " + base
                    + "; the model given has " + modelSha256 + ": fine-tuned from another model, regenerate with "
                    + text(m, "command", dir));
        }
        return BitMixerWeights.read(weights, config);
    }

    private static String text(JsonNode m, String field, Path dir) throws IOException {
        JsonNode v = m.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException(dir.resolve(MANIFEST) + ": field '" + field + "' is "
                    + (v == null ? "missing" : v.toString()) + "; expected a string");
        }
        return v.textValue();
    }
}
