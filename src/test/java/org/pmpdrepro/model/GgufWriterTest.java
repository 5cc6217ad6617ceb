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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF export: llama.cpp's layout, read back with a minimal reader written from the format's description. */
@Tag("unit")
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
    void blockFormatsStoreAnFp16ScaleThenTheCodesAsLlamaCppDequantizesThem() {
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7) * (i < 32 ? 1f : 0.01f);
        }
        x[5] = -2f; // the largest magnitude of block 0, negative
        ByteBuffer q8 = ByteBuffer.wrap(GgufWriter.encode(x, GgufWriter.Type.Q8_0)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer q4 = ByteBuffer.wrap(GgufWriter.encode(x, GgufWriter.Type.Q4_0)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(q8.capacity()).isEqualTo(2 * 34);
        assertThat(q4.capacity()).isEqualTo(2 * 18);
        for (int block = 0; block < 2; block++) {
            float d8 = Float.float16ToFloat(q8.getShort(block * 34));
            float d4 = Float.float16ToFloat(q4.getShort(block * 18));
            for (int j = 0; j < 32; j++) {
                float v = x[block * 32 + j];
                // Q8_0: x = d * q, q in [-127, 127]; Q4_0: x = d * (q - 8), low nibbles the first 16 values.
                float w8 = d8 * q8.get(block * 34 + 2 + j);
                int nibble = q4.get(block * 18 + 2 + j % 16) >> (j < 16 ? 0 : 4) & 0xf;
                float w4 = d4 * (nibble - 8);
                assertThat(Math.abs(w8 - v)).as("Q8_0 %d", j).isLessThanOrEqualTo(Math.abs(d8) * 0.5f + 1e-3f * Math.abs(d8));
                // Half a step, or a whole one where the side opposite the largest value is clipped at code 15.
                assertThat(Math.abs(w4 - v)).as("Q4_0 %d", j).isLessThanOrEqualTo(Math.abs(d4) * 1.001f);
            }
        }
        assertThat(Float.float16ToFloat(q4.getShort(0))).as("-2 maps to code 0: d = max / -8").isEqualTo(0.25f);
        assertThat(q4.get(2 + 5) & 0xf).isZero();
        assertThat(GgufWriter.encode(new float[] {1.5f, -2.25f}, GgufWriter.Type.F16)).containsExactly(0x00, 0x3e,
                0x80, 0xc0);
    }

    @Test
    void aSyntheticModelsVocabularyIsPaddedWithUnusedTokensOnlyWhenAsked(@TempDir Path dir) throws IOException {
        LlamaConfig config = new LlamaConfig(40, 32, 64, 1, 1, 1, 32, 1e-5, 10000.0, false, 1, 2);
        Path tokenizer = dir.resolve("tokenizer.json");
        Files.writeString(tokenizer, "{\"added_tokens\":[],\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"<s>\":1,"
                + "\"</s>\":2},\"merges\":[]}}");
        GeneratedWeights weights = new GeneratedWeights(config, 0.02, 3L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GgufWriter.write(weights, tokenizer,
                dir.resolve("strict.gguf"))).hasMessageContaining("has no token with id 3");
        Path out = dir.resolve("q4.gguf");
        GgufWriter.write(weights, tokenizer, out, GgufWriter.Type.Q4_0, true);
        String text = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("<unused39>").doesNotContain("<unused2>");
        // Header, then 1 + 9 + 2 tensors; the matrices at 18 bytes per 32 weights, norms at 4 bytes each.
        long matrices = 40 * 32 * 2 + (4L * 32 * 32 + 3L * 32 * 64);
        assertThat(Files.size(out)).isGreaterThan(matrices / 32 * 18 + 3 * 32 * 4);
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
