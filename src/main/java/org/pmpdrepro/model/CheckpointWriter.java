package org.pmpdrepro.model;

import org.pmpdrepro.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.pmpdrepro.io.Json;

/**
 * Writes a configuration and its weights as a Hugging Face checkpoint directory ({@code config.json} plus
 * {@code model.safetensors}, or shards with an index), each file atomically. Tensors are written sorted by
 * name, as Hugging Face's own writer does.
 */
public final class CheckpointWriter {

    private static final ObjectMapper JSON = Json.mapper();
    /** Hugging Face refuses safetensors weights whose metadata lacks a known framework format. */
    private static final Map<String, String> HF_METADATA = Map.of("format", "pt");

    private CheckpointWriter() {}

    /** Writes {@code config.json} and a single {@code model.safetensors} with every tensor stored as {@code dtype}. */
    public static void write(Path dir, LlamaConfig config, Map<String, Tensor> tensors, DType dtype)
            throws IOException {
        Files.createDirectories(dir);
        writeConfig(dir, config, dtype);
        SafetensorsWriter.write(dir.resolve(CheckpointDirectory.SINGLE), sorted(tensors), dtype, HF_METADATA);
    }

    /**
     * Writes {@code config.json}, {@code shardCount} shards named {@code model-0000i-of-0000n.safetensors} (the
     * sorted tensors split into contiguous runs) and {@code model.safetensors.index.json}.
     */
    public static void writeSharded(Path dir, LlamaConfig config, Map<String, Tensor> tensors, DType dtype,
            int shardCount) throws IOException {
        List<Tensor> all = sorted(tensors);
        Map<String, Tensor> byName = new TreeMap<>(tensors);
        writeShards(dir, config, all.stream().map(Tensor::name).toList(), byName::get, dtype, shardCount);
    }

    /**
     * Writes every tensor {@code config} needs as {@link #writeSharded} does, each made by {@code make} only when its
     * shard is written, so at most one shard's tensors are in memory at once (for checkpoints larger than the heap).
     */
    public static void writeGenerated(Path dir, LlamaConfig config, DType dtype, int shardCount,
            Function<LlamaWeightLayout.Expected, Tensor> make) throws IOException {
        Map<String, LlamaWeightLayout.Expected> expected = new TreeMap<>();
        for (LlamaWeightLayout.Expected e : LlamaWeightLayout.expected(config)) {
            expected.put(e.name(), e);
        }
        writeShards(dir, config, List.copyOf(expected.keySet()), name -> {
            Tensor t = make.apply(expected.get(name));
            if (!t.name().equals(name) || !Arrays.equals(t.shape(), expected.get(name).shape())) {
                throw new IllegalArgumentException("made tensor '" + t.name() + "' "
                        + Arrays.toString(t.shape()) + " for '" + name + "' "
                        + Arrays.toString(expected.get(name).shape()));
            }
            return t;
        }, dtype, shardCount);
    }

    private static void writeShards(Path dir, LlamaConfig config, List<String> names, Function<String, Tensor> tensor,
            DType dtype, int shardCount) throws IOException {
        if (shardCount < 1 || shardCount > names.size()) {
            throw new IllegalArgumentException("shardCount " + shardCount + "; expected 1.." + names.size()
                    + " (one tensor at least per shard)");
        }
        Files.createDirectories(dir);
        writeConfig(dir, config, dtype);
        ObjectNode index = JSON.createObjectNode();
        ObjectNode weightMap = JSON.createObjectNode();
        long totalBytes = 0;
        for (int s = 0; s < shardCount; s++) {
            List<String> shardNames = names.subList(s * names.size() / shardCount, (s + 1) * names.size() / shardCount);
            List<Tensor> shard = new ArrayList<>(shardNames.size());
            for (String name : shardNames) {
                shard.add(tensor.apply(name));
            }
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shardCount);
            SafetensorsWriter.write(dir.resolve(file), shard, dtype, HF_METADATA);
            for (Tensor t : shard) {
                weightMap.put(t.name(), file);
                totalBytes += t.size() * dtype.bytes();
            }
        }
        index.putObject("metadata").put("total_size", totalBytes);
        index.set("weight_map", weightMap);
        AtomicFiles.writeText(dir.resolve(CheckpointDirectory.INDEX), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(index) + "\n");
    }

    private static void writeConfig(Path dir, LlamaConfig config, DType dtype) throws IOException {
        ObjectNode json = config.toJson();
        json.put("torch_dtype", switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        AtomicFiles.writeText(dir.resolve(CheckpointDirectory.CONFIG),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    private static List<Tensor> sorted(Map<String, Tensor> tensors) {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("key '" + e.getKey() + "' maps to tensor '" + e.getValue().name()
                        + "'; expected a tensor of the same name");
            }
            out.add(e.getValue());
        }
        return out;
    }
}
