package org.pmpdrepro.quant.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;

/**
 * The {@code manifest.json} of a store entry: the key it was built for, the SHA-256 and size of its safetensors
 * file, and the shape of every tensor in it.
 *
 * @param key the inputs the artefact was made from
 * @param weightsSha256 SHA-256 of {@code model.safetensors}
 * @param weightsBytes its size in bytes
 * @param shapes every tensor's shape, by name, in file order
 */
record StoreManifest(CacheKey key, String weightsSha256, long weightsBytes, Map<String, List<Integer>> shapes) {

    static final String FORMAT = "pmpd-quant-artefact-v1";

    StoreManifest {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    /** The file's form, bound strictly ({@link JsonBinding}). */
    @JsonPropertyOrder({"format", "key_sha256", "method", "parameters", "model_sha256", "calibration_sha256",
        "sensitivity_sha256", "code_version", "weights", "tensors"})
    record File(String format, @JsonProperty("key_sha256") String keySha256, String method,
            SortedMap<String, String> parameters, @JsonProperty("model_sha256") String modelSha256,
            @JsonProperty("calibration_sha256") String calibrationSha256,
            @JsonProperty("sensitivity_sha256") String sensitivitySha256,
            @JsonProperty("code_version") String codeVersion, Weights weights, Tensors tensors) {}

    /** The weights file: its name, SHA-256 and size. */
    record Weights(String file, String sha256, long bytes) {}

    /** How many tensors the weights file holds, and each one's shape by name in file order. */
    record Tensors(int count, LinkedHashMap<String, List<Integer>> shapes) {}

    void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JsonBinding.write(new File(FORMAT, key.sha256(), key.method(),
                new TreeMap<>(key.parameters()), key.modelSha256(), key.calibrationSha256(), key.sensitivitySha256(),
                key.codeVersion(), new Weights(QuantizationStore.WEIGHTS, weightsSha256, weightsBytes),
                new Tensors(shapes.size(), new LinkedHashMap<>(shapes)))));
    }

    /**
     * Reads a manifest; anything missing, malformed, of another type or not in the format is a
     * {@link CorruptArtefactException} naming the field by its JSON path.
     */
    static StoreManifest read(Path file) throws CorruptArtefactException {
        File f;
        try {
            f = JsonBinding.parse(Utf8.read(file), File.class);
        } catch (NoSuchFileException e) {
            throw new CorruptArtefactException(file, "missing (an interrupted or foreign entry)", e);
        } catch (JsonBinding.Refused e) {
            throw new CorruptArtefactException(file, "field '" + e.path() + "': " + e.problem(), e);
        } catch (IOException e) {
            throw new CorruptArtefactException(file, "not readable JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(f.format())) {
            throw new CorruptArtefactException(file, "field 'format' is '" + f.format() + "'; expected '" + FORMAT
                    + "'");
        }
        CacheKey key;
        try {
            key = new CacheKey(f.method(), f.parameters(), f.modelSha256(), f.calibrationSha256(),
                    f.sensitivitySha256(), f.codeVersion());
        } catch (IllegalArgumentException e) {
            throw new CorruptArtefactException(file, e.getMessage(), e);
        }
        if (!f.keySha256().equals(key.sha256())) {
            throw new CorruptArtefactException(file, "field 'key_sha256' is " + f.keySha256()
                    + " but its fields hash to " + key.sha256() + " (edited by hand?)");
        }
        if (f.weights().bytes() < 0) {
            throw new CorruptArtefactException(file, "field 'weights.bytes' is " + f.weights().bytes()
                    + "; expected a size");
        }
        if (f.tensors().count() != f.tensors().shapes().size()) {
            throw new CorruptArtefactException(file, "field 'tensors.count' is " + f.tensors().count() + " but "
                    + f.tensors().shapes().size() + " shapes are listed");
        }
        return new StoreManifest(key, f.weights().sha256(), f.weights().bytes(), f.tensors().shapes());
    }
}
