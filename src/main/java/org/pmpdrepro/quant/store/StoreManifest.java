package org.pmpdrepro.quant.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;

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
    private static final ObjectMapper JSON = Json.mapper();

    StoreManifest {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("key_sha256", key.sha256());
        root.put("method", key.method());
        ObjectNode params = root.putObject("parameters");
        key.parameters().forEach(params::put);
        root.put("model_sha256", key.modelSha256());
        root.put("calibration_sha256", key.calibrationSha256());
        root.put("sensitivity_sha256", key.sensitivitySha256());
        root.put("code_version", key.codeVersion());
        ObjectNode weights = root.putObject("weights");
        weights.put("file", QuantizationStore.WEIGHTS);
        weights.put("sha256", weightsSha256);
        weights.put("bytes", weightsBytes);
        ObjectNode tensors = root.putObject("tensors");
        tensors.put("count", shapes.size());
        ObjectNode byName = tensors.putObject("shapes");
        shapes.forEach((name, shape) -> {
            ArrayNode a = byName.putArray(name);
            shape.forEach(a::add);
        });
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /** Reads a manifest; anything missing or malformed is a {@link CorruptArtefactException} naming the field. */
    static StoreManifest read(Path file) throws CorruptArtefactException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new CorruptArtefactException(file, "missing (an interrupted or foreign entry)", e);
        } catch (IOException e) {
            throw new CorruptArtefactException(file, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CorruptArtefactException(file, "not a JSON object");
        }
        String format = text(file, root, "format");
        if (!FORMAT.equals(format)) {
            throw new CorruptArtefactException(file, "field 'format' is '" + format + "'; expected '" + FORMAT + "'");
        }
        SortedMap<String, String> params = new TreeMap<>();
        JsonNode p = object(file, root, "parameters");
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), e.getValue().asText());
        }
        CacheKey key;
        try {
            key = new CacheKey(text(file, root, "method"), params, text(file, root, "model_sha256"),
                    text(file, root, "calibration_sha256"), text(file, root, "sensitivity_sha256"),
                    text(file, root, "code_version"));
        } catch (IllegalArgumentException e) {
            throw new CorruptArtefactException(file, e.getMessage(), e);
        }
        String recorded = text(file, root, "key_sha256");
        if (!recorded.equals(key.sha256())) {
            throw new CorruptArtefactException(file, "field 'key_sha256' is " + recorded
                    + " but its fields hash to " + key.sha256() + " (edited by hand?)");
        }
        JsonNode weights = object(file, root, "weights");
        JsonNode bytes = weights.get("bytes");
        if (bytes == null || !bytes.canConvertToLong() || bytes.asLong() < 0) {
            throw new CorruptArtefactException(file, "field 'weights.bytes' is " + bytes + "; expected a size");
        }
        JsonNode shapesNode = object(file, object(file, root, "tensors"), "shapes");
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = shapesNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Integer> dims = new ArrayList<>();
            for (JsonNode d : e.getValue()) {
                dims.add(d.asInt());
            }
            shapes.put(e.getKey(), dims);
        }
        return new StoreManifest(key, text(file, weights, "sha256"), bytes.asLong(), shapes);
    }

    private static String text(Path file, JsonNode node, String field) throws CorruptArtefactException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new CorruptArtefactException(file, "field '" + field + "' is " + v + "; expected a string");
        }
        return v.asText();
    }

    private static JsonNode object(Path file, JsonNode node, String field) throws CorruptArtefactException {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new CorruptArtefactException(file, "field '" + field + "' is " + v + "; expected an object");
        }
        return v;
    }
}
