package org.pmpdrepro.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.io.Json;

/**
 * A Hugging Face checkpoint directory: {@code config.json} plus either {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json} whose {@code weight_map} names the shard of each tensor. Headers are
 * read and validated on opening; tensor data is streamed from the right file when asked for.
 */
public final class CheckpointDirectory implements WeightSource {

    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;
    private final LlamaConfig config;
    /** The file that lists the tensors: model.safetensors or the index. */
    private final Path weightsFile;
    private final Map<String, SafetensorsFile> fileOf;
    private final Map<Path, SafetensorsFile> files;

    private CheckpointDirectory(Path dir, LlamaConfig config, Path weightsFile, Map<String, SafetensorsFile> fileOf,
            Map<Path, SafetensorsFile> files) {
        this.dir = dir;
        this.config = config;
        this.weightsFile = weightsFile;
        this.fileOf = Collections.unmodifiableMap(fileOf);
        this.files = files;
    }

    /** Opens a checkpoint directory, validating its config and every safetensors header it refers to. */
    public static CheckpointDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointFormatException(dir, null, "not a directory; expected a Hugging Face checkpoint"
                    + " directory with " + CONFIG + " and " + SINGLE + " or " + INDEX);
        }
        Path configPath = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configPath)) {
            throw new CheckpointFormatException(configPath, null, "missing; expected the model's Hugging Face config");
        }
        LlamaConfig config = LlamaConfig.read(configPath);
        Path single = dir.resolve(SINGLE);
        Path index = dir.resolve(INDEX);
        // Hugging Face prefers the single file when both exist; so do we.
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            for (String name : file.names()) {
                fileOf.put(name, file);
            }
            Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
            files.put(single, file);
            return new CheckpointDirectory(dir, config, single, fileOf, files);
        }
        if (Files.isRegularFile(index)) {
            return openSharded(dir, config, index);
        }
        throw new CheckpointFormatException(dir, null, "has neither " + SINGLE + " nor " + INDEX
                + "; expected the weights in safetensors form");
    }

    private static CheckpointDirectory openSharded(Path dir, LlamaConfig config, Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(index, null, "not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointFormatException(index, null, "field 'weight_map' is "
                    + (map == null ? "missing" : map.toString()) + "; expected an object of tensor name -> shard file");
        }
        Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String tensor = e.getKey();
                Path shard = shardPath(dir, index, tensor, e.getValue());
                SafetensorsFile file = files.get(shard);
                if (file == null) {
                    if (!Files.isRegularFile(shard)) {
                        throw new CheckpointFormatException(index, tensor, "mapped to shard '" + e.getValue().textValue()
                                + "', which does not exist in " + dir);
                    }
                    file = SafetensorsFile.open(shard);
                    files.put(shard, file);
                }
                if (!file.contains(tensor)) {
                    throw new CheckpointFormatException(shard, tensor, "listed for this shard in " + INDEX
                            + " but absent from its header");
                }
                fileOf.put(tensor, file);
            }
        } catch (IOException | RuntimeException ex) {
            closeAll(files.values(), ex);
            throw ex;
        }
        return new CheckpointDirectory(dir, config, index, fileOf, files);
    }

    private static Path shardPath(Path dir, Path index, String tensor, JsonNode value)
            throws CheckpointFormatException {
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw new CheckpointFormatException(index, tensor, "shard is " + value + "; expected a file name");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path shard = base.resolve(value.textValue()).normalize();
        if (!shard.getParent().equals(base)) {
            throw new CheckpointFormatException(index, tensor, "shard '" + value.textValue()
                    + "' is not a file directly inside the checkpoint directory");
        }
        return shard;
    }

    private static void closeAll(Iterable<SafetensorsFile> files, Exception primary) {
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException suppressed) {
                primary.addSuppressed(suppressed);
            }
        }
    }

    public Path directory() {
        return dir;
    }

    /** {@code model.safetensors}, or the index file of a sharded checkpoint. */
    public Path weightsFile() {
        return weightsFile;
    }

    /** The safetensors file(s) the checkpoint reads from. */
    public Set<Path> files() {
        return Collections.unmodifiableSet(files.keySet());
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public Set<String> names() {
        return fileOf.keySet();
    }

    /** Type, shape and byte range of a tensor in its file. */
    public TensorInfo info(String name) throws CheckpointFormatException {
        return file(name).info(name);
    }

    @Override
    public int[] shape(String name) throws CheckpointFormatException {
        return info(name).shape();
    }

    @Override
    public Tensor tensor(String name) throws IOException {
        SafetensorsFile f = file(name);
        WeightChecks.requireWeightType(origin(name), name, f.info(name).dtype());
        return WeightChecks.requireFinite(origin(name), f.read(name));
    }

    @Override
    public DType dtype(String name) throws CheckpointFormatException {
        return info(name).dtype();
    }

    @Override
    public String origin(String name) {
        SafetensorsFile f = fileOf.get(name);
        return String.valueOf(f == null ? weightsFile : f.path());
    }

    private SafetensorsFile file(String name) throws CheckpointFormatException {
        SafetensorsFile f = fileOf.get(name);
        if (f == null) {
            throw new CheckpointFormatException(weightsFile, name, "no such tensor in this checkpoint");
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : files.values()) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "CheckpointDirectory[" + dir + ", " + fileOf.size() + " tensors in " + files.size() + " file(s)]";
    }
}
