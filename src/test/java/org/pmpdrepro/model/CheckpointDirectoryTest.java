package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("unit")
class CheckpointDirectoryTest {

    @TempDir
    Path dir;

    private final LlamaConfig config = TinyLlamaFactory.tinyConfig();
    private final Map<String, Tensor> weights = TinyLlamaFactory.randomWeights(config, 7);

    @ParameterizedTest(name = "stored as {0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    @DisplayName("a written checkpoint opens, validates and returns its tensors widened to fp32")
    void singleFileRoundTrip(DType dtype) throws IOException {
        CheckpointWriter.write(dir, config, weights, dtype);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            ckpt.validate();
            assertThat(ckpt.config()).isEqualTo(config);
            assertThat(ckpt.names()).containsExactlyInAnyOrderElementsOf(weights.keySet());
            assertThat(ckpt.info(WeightNames.EMBED).dtype()).isEqualTo(dtype);
            Tensor q = ckpt.tensor(WeightNames.Linear.Q.weight(1));
            float[] expected = weights.get(WeightNames.Linear.Q.weight(1)).data();
            assertThat(q.shape()).containsExactly(16, 16);
            for (int i = 0; i < expected.length; i++) {
                float e = expected[i];
                float rounded = switch (dtype) {
                    case F16 -> Float.float16ToFloat(Float.floatToFloat16(e));
                    case BF16 -> FloatWidening.bf16ToFloat(SafetensorsWriter.floatToBf16(e));
                    default -> e;
                };
                assertThat(q.data()[i]).isEqualTo(rounded);
            }
        }
    }

    @Test
    @DisplayName("a sharded checkpoint reads each tensor from the shard its index names")
    void shardedRoundTrip() throws IOException {
        CheckpointWriter.writeSharded(dir, config, weights, DType.F32, 3);
        assertThat(dir.resolve("model-00002-of-00003.safetensors")).exists();
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            ckpt.validate();
            assertThat(ckpt.files()).hasSize(3);
            assertThat(ckpt.weightsFile().getFileName().toString()).isEqualTo(CheckpointDirectory.INDEX);
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                assertThat(ckpt.tensor(e.getKey()).data()).containsExactly(e.getValue().data());
            }
        }
    }

    @Test
    @DisplayName("extra tensors such as rotary_emb.inv_freq are ignored by validation")
    void extraTensorsIgnored() throws IOException {
        Map<String, Tensor> withExtra = new LinkedHashMap<>(weights);
        String extra = "model.layers.0.self_attn.rotary_emb.inv_freq";
        withExtra.put(extra, new Tensor(extra, new int[] {2}, new float[] {1, 0.01f}));
        CheckpointWriter.write(dir, config, withExtra, DType.F32);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            ckpt.validate();
            assertThat(ckpt.names()).contains(extra);
        }
    }

    @Test
    @DisplayName("tied embeddings need no lm_head; untied ones do")
    void tiedEmbeddingsNeedNoHead() throws IOException {
        LlamaConfig tied = new LlamaConfig(50, 16, 32, 2, 4, 2, 256, 1e-5, 10000, true, 1, 2);
        Map<String, Tensor> noHead = TinyLlamaFactory.randomWeights(tied, 3);
        assertThat(noHead).doesNotContainKey(WeightNames.LM_HEAD);
        CheckpointWriter.write(dir.resolve("tied"), tied, noHead, DType.F32);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir.resolve("tied"))) {
            ckpt.validate();
        }
        CheckpointWriter.write(dir.resolve("untied"), config, noHead, DType.F32);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir.resolve("untied"))) {
            assertThatThrownBy(ckpt::validate).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("tensor 'lm_head.weight'")
                    .hasMessageContaining("missing").hasMessageContaining("[50, 16]");
        }
    }

    @Test
    @DisplayName("a missing layer tensor fails validation, naming the file and the tensor")
    void missingTensorNamed() throws IOException {
        Map<String, Tensor> partial = new LinkedHashMap<>(weights);
        partial.remove(WeightNames.Linear.DOWN.weight(1));
        CheckpointWriter.write(dir, config, partial, DType.F32);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            assertThatThrownBy(ckpt::validate).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(dir.resolve("model.safetensors").toString())
                    .hasMessageContaining("tensor 'model.layers.1.mlp.down_proj.weight'")
                    .hasMessageContaining("missing")
                    .hasMessageContaining("[16, 32] = [hidden_size, intermediate_size]");
            assertThatThrownBy(() -> ckpt.tensor(WeightNames.Linear.DOWN.weight(1)))
                    .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("no such tensor");
        }
    }

    @Test
    @DisplayName("a tensor whose shape disagrees with the config fails validation with both shapes")
    void wrongShapeNamed() throws IOException {
        Map<String, Tensor> bad = new LinkedHashMap<>(weights);
        String k = WeightNames.Linear.K.weight(0);
        bad.put(k, new Tensor(k, new int[] {16, 16}, new float[256])); // MHA-shaped k for a GQA config
        CheckpointWriter.write(dir, config, bad, DType.F32);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            assertThatThrownBy(ckpt::validate).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("tensor '" + k + "'")
                    .hasMessageContaining("has shape [16, 16]")
                    .hasMessageContaining("implies [8, 16] = [num_key_value_heads*head_dim, hidden_size]");
        }
    }

    @ParameterizedTest(name = "stored as {0}")
    @EnumSource(value = DType.class, names = {"U32", "I32"})
    @DisplayName("integer element types are refused for float weights, naming the tensor and its dtype")
    void integerWeightsRefused(DType dtype) throws IOException {
        CheckpointWriter.write(dir, config, weights, DType.F32);
        retype(dir.resolve(CheckpointDirectory.SINGLE), WeightNames.EMBED, dtype);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            for (var refusal : List.<ThrowingCallable>of(ckpt::validate,
                    () -> ckpt.tensor(WeightNames.EMBED))) {
                assertThatThrownBy(refusal).isInstanceOf(CheckpointFormatException.class)
                        .hasMessageContaining("model.safetensors").hasMessageContaining("tensor '" + WeightNames.EMBED + "'")
                        .hasMessageContaining("dtype " + dtype).hasMessageContaining("expected F32, F16 or BF16");
            }
        }
    }

    /** Rewrites one tensor's dtype in place; {@code dtype} must be as wide as F32 so the byte ranges still hold. */
    private static void retype(Path file, String tensor, DType dtype) throws IOException {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        String from = "\"" + tensor + "\":{\"dtype\":\"F32\"";
        assertThat(bytes).contains(from);
        Files.write(file, bytes.replace(from, from.replace("F32", dtype.name()))
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    @DisplayName("a NaN or infinite weight is refused when the tensor is loaded, naming the tensor and the first bad index")
    void nonFiniteWeightsRefused() throws IOException {
        Map<String, Tensor> bad = new LinkedHashMap<>(weights);
        float[] norm = weights.get(WeightNames.FINAL_NORM).data().clone();
        norm[5] = Float.NaN;
        norm[9] = Float.NaN;
        bad.put(WeightNames.FINAL_NORM, new Tensor(WeightNames.FINAL_NORM, new int[] {16}, norm));
        String q = WeightNames.Linear.Q.weight(1);
        float[] qData = weights.get(q).data().clone();
        qData[2 * 16 + 3] = Float.POSITIVE_INFINITY;
        bad.put(q, new Tensor(q, new int[] {16, 16}, qData));
        CheckpointWriter.write(dir, config, bad, DType.F16);
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(dir)) {
            assertThatThrownBy(() -> ckpt.tensor(WeightNames.FINAL_NORM)).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("tensor 'model.norm.weight'")
                    .hasMessageContaining("element [5] is NaN").hasMessageContaining("expected finite weights");
            assertThatThrownBy(() -> ckpt.tensor(q)).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("tensor '" + q + "'").hasMessageContaining("element [2, 3] is Infinity");
            assertThat(ckpt.tensor(WeightNames.EMBED).data()).hasSize(50 * 16);
        }
    }

    @Test
    @DisplayName("an index naming a shard that does not exist is refused, naming index, tensor and shard")
    void missingShard() throws IOException {
        CheckpointWriter.writeSharded(dir, config, weights, DType.F32, 2);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(CheckpointDirectory.INDEX)
                .hasMessageContaining("model-00002-of-00002.safetensors")
                .hasMessageContaining("does not exist");
    }

    @Test
    @DisplayName("an index mapping a tensor to a shard that lacks it is refused, naming shard and tensor")
    void tensorAbsentFromItsShard() throws IOException {
        CheckpointWriter.writeSharded(dir, config, weights, DType.F32, 2);
        Path index = dir.resolve(CheckpointDirectory.INDEX);
        String json = Files.readString(index).replace("\"model.norm.weight\" : \"model-00002-of-00002.safetensors\"",
                "\"model.norm.weight\" : \"model-00001-of-00002.safetensors\"");
        assertThat(json).contains("\"model.norm.weight\" : \"model-00001-of-00002.safetensors\"");
        Files.writeString(index, json);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("model-00001-of-00002.safetensors").hasMessageContaining("'model.norm.weight'")
                .hasMessageContaining("absent from its header");
    }

    @Test
    @DisplayName("an index shard path that escapes the directory is refused")
    void shardOutsideDirectory() throws IOException {
        CheckpointWriter.writeSharded(dir, config, weights, DType.F32, 2);
        Path index = dir.resolve(CheckpointDirectory.INDEX);
        Files.writeString(index, Files.readString(index).replace("\"model-00001-of-00002.safetensors\"",
                "\"../model-00001-of-00002.safetensors\""));
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("not a file directly inside the checkpoint directory");
    }

    @Test
    @DisplayName("an index without weight_map is refused")
    void indexWithoutWeightMap() throws IOException {
        CheckpointWriter.writeSharded(dir, config, weights, DType.F32, 2);
        Files.writeString(dir.resolve(CheckpointDirectory.INDEX), "{\"metadata\":{}}");
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(CheckpointDirectory.INDEX).hasMessageContaining("'weight_map' is missing");
    }

    @Test
    @DisplayName("a directory without weights or without config.json is refused, naming what is missing")
    void missingFiles() throws IOException {
        CheckpointWriter.write(dir, config, weights, DType.F32);
        Files.delete(dir.resolve(CheckpointDirectory.SINGLE));
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("neither model.safetensors nor model.safetensors.index.json");
        Files.delete(dir.resolve(CheckpointDirectory.CONFIG));
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("missing");
    }

    @Test
    @DisplayName("a corrupt weights file inside a checkpoint is refused with the file's own error")
    void corruptWeightsFile() throws IOException {
        CheckpointWriter.write(dir, config, weights, DType.F32);
        Path file = dir.resolve(CheckpointDirectory.SINGLE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> CheckpointDirectory.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("outside the data region");
    }

    @Test
    @DisplayName("the checkpoint writer leaves only the Hugging Face files, no temporaries")
    void writerLeavesOnlyFinalFiles() throws IOException {
        CheckpointWriter.write(dir, config, weights, DType.F16);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("config.json", "model.safetensors");
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"torch_dtype\" : \"float16\"");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.names()).isSorted();
            assertThat(List.copyOf(f.names())).hasSize(weights.size());
        }
    }
}
