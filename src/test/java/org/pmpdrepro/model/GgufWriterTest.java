package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF export: llama.cpp's layout, read back with a minimal reader written from the format's description. */
class GgufWriterTest {

    @Test
    void queryRowsMoveFromRotateHalfToAdjacentPairsWithinEachHead() {
        // Two heads of dimension 4, one input column: row values name their Hugging Face row.
        float[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
        Tensor paired = GgufWriter.pairRows(new Tensor("q", new int[] {8, 1}, rows), 2);
        // Head 0 pairs (0, 2) and (1, 3): dimension i sits beside i + d/2.
        assertThat(paired.data()).containsExactly(0, 2, 1, 3, 4, 6, 5, 7);
    }

    @Test
    void theExportHoldsLlamaCppsTensorsAndMetadataAligned(@TempDir Path dir) throws IOException {
        LlamaConfig config = new LlamaConfig(16, 8, 12, 2, 2, 1, 32, 1e-5, 10000.0, true, 1, 2);
        InMemoryWeights weights = TinyLlamaFactory.randomModel(config, 7L);
        Path tokenizer = dir.resolve("tokenizer.json");
        StringBuilder vocab = new StringBuilder();
        for (int i = 3; i < 16; i++) {
            vocab.append(",\"t").append(i).append("\":").append(i);
        }
        Files.writeString(tokenizer, "{\"added_tokens\":[{\"id\":0,\"content\":\"<pad>\",\"special\":true},"
                + "{\"id\":1,\"content\":\"<s>\",\"special\":true},{\"id\":2,\"content\":\"</s>\",\"special\":true}],"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"<pad>\":0,\"<s>\":1,\"</s>\":2" + vocab
                + "},\"merges\":[\"t 3\"]}}");
        Path out = dir.resolve("model.gguf");
        GgufWriter.write(weights, tokenizer, out);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).isEqualTo(0x46554747);
        assertThat(b.getInt()).isEqualTo(3);
        long tensors = b.getLong();
        long kvs = b.getLong();
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvs; i++) {
            meta.put(string(b), value(b, b.getInt()));
        }
        assertThat(meta).containsEntry("general.architecture", "llama").containsEntry("llama.block_count", 2L)
                .containsEntry("llama.attention.head_count_kv", 1L).containsEntry("tokenizer.ggml.model", "gpt2")
                .containsEntry("tokenizer.ggml.pre", "gpt-2").containsEntry("tokenizer.ggml.eos_token_id", 2L);
        Map<String, long[]> infos = new LinkedHashMap<>();
        for (long i = 0; i < tensors; i++) {
            String name = string(b);
            int dims = b.getInt();
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = b.getLong();
            }
            assertThat(b.getInt()).as("type of " + name).isZero();
            infos.put(name, new long[] {shape[0], dims > 1 ? shape[1] : 1, b.getLong()});
        }
        // Embeddings, 9 tensors per block, the final norm; a tied head is left out.
        assertThat(infos).hasSize(1 + 2 * 9 + 1).containsKey("blk.1.ffn_down.weight").doesNotContainKey("output.weight");
        // ggml lists the inner dimension first: q_proj [out 8, in 8], ffn_up [out 12, in 8].
        assertThat(infos.get("blk.0.ffn_up.weight")).startsWith(8, 12);
        int dataStart = (b.position() + 31) / 32 * 32;
        long[] up = infos.get("blk.0.ffn_up.weight");
        assertThat(up[2] % 32).isZero();
        float first = b.getFloat(dataStart + (int) up[2]);
        assertThat(first).isEqualTo(weights.tensor("model.layers.0.mlp.up_proj.weight").data()[0]);
        long[] k = infos.get("blk.1.attn_k.weight");
        float[] hfK = weights.tensor("model.layers.1.self_attn.k_proj.weight").data();
        // Row 1 of the export is Hugging Face row 2 (head dimension 4: pairs (0, 2), (1, 3)).
        assertThat(b.getFloat(dataStart + (int) k[2] + 4 * 8)).isEqualTo(hfK[2 * 8]);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer b, int type) {
        return switch (type) {
            case 4 -> Integer.toUnsignedLong(b.getInt());
            case 5 -> (long) b.getInt();
            case 6 -> b.getFloat();
            case 7 -> b.get() != 0;
            case 8 -> string(b);
            case 9 -> {
                int elem = b.getInt();
                long n = b.getLong();
                Object[] items = new Object[(int) n];
                for (int i = 0; i < n; i++) {
                    items[i] = value(b, elem);
                }
                yield items;
            }
            default -> throw new IllegalStateException("unexpected GGUF type " + type);
        };
    }
}
