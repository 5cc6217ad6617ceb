package org.pmpdrepro.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * Writes a Llama model as a GGUF file (version 3) that llama.cpp loads: the same function, so that both decoders can
 * be run on the same weights and prompts and compared token for token and in speed.
 *
 * <p>What the conversion changes, and why:
 * <ul>
 *   <li>Tensor names follow llama.cpp's ({@code blk.N.attn_q.weight} for {@code model.layers.N.self_attn.q_proj}).
 *   <li>The rows of each query and key projection are reordered within every head: Hugging Face rotates the two
 *       halves of a head ({@code i} with {@code i + d/2}), llama.cpp rotates adjacent pairs ({@code 2i} with
 *       {@code 2i + 1}). Row {@code h*d + half*d/2 + i} moves to {@code h*d + 2i + half}, so both compute the same
 *       attention scores.
 *   <li>A tied output head is left out: llama.cpp then reads the token embeddings, as the model does.
 *   <li>The tokenizer goes in as a byte-level BPE ({@code gpt2} with the {@code gpt-2} pre-tokenizer); its special
 *       tokens are marked as control tokens. Benchmarks feed token ids, so llama.cpp never tokenizes text.
 * </ul>
 * Weights are written as F32, the precision the project computes in.
 */
public final class GgufWriter {

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;
    private static final int ALIGNMENT = 32;

    // GGUF metadata value types.
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    // ggml tensor types.
    private static final int GGML_F32 = 0;

    private static final int TOKEN_NORMAL = 1;
    private static final int TOKEN_CONTROL = 3;

    private GgufWriter() {}

    /**
     * Writes {@code source} and the tokenizer {@code tokenizerJson} (a Hugging Face {@code tokenizer.json} of a
     * byte-level BPE) to {@code out}, atomically.
     */
    public static void write(WeightSource source, Path tokenizerJson, Path out) throws IOException {
        LlamaConfig c = source.config();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("general.architecture", "llama");
        meta.put("general.name", "pmpd-repro export");
        meta.put("llama.context_length", u32(c.maxPositionEmbeddings()));
        meta.put("llama.embedding_length", u32(c.hiddenSize()));
        meta.put("llama.block_count", u32(c.numLayers()));
        meta.put("llama.feed_forward_length", u32(c.intermediateSize()));
        meta.put("llama.attention.head_count", u32(c.numHeads()));
        meta.put("llama.attention.head_count_kv", u32(c.numKvHeads()));
        meta.put("llama.rope.dimension_count", u32(c.headDim()));
        meta.put("llama.rope.freq_base", (float) c.ropeTheta());
        meta.put("llama.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        meta.put("llama.vocab_size", u32(c.vocabSize()));
        meta.put("general.file_type", u32(0)); // all F32
        putTokenizer(meta, tokenizerJson, c);

        List<Tensor> tensors = new ArrayList<>();
        tensors.add(renamed(source.tensor(WeightNames.EMBED), "token_embd.weight"));
        for (int l = 0; l < c.numLayers(); l++) {
            String b = "blk." + l + ".";
            tensors.add(renamed(source.tensor(WeightNames.inputNorm(l)), b + "attn_norm.weight"));
            tensors.add(renamed(pairRows(source.tensor(Linear.Q.weight(l)), c.numHeads()), b + "attn_q.weight"));
            tensors.add(renamed(pairRows(source.tensor(Linear.K.weight(l)), c.numKvHeads()), b + "attn_k.weight"));
            tensors.add(renamed(source.tensor(Linear.V.weight(l)), b + "attn_v.weight"));
            tensors.add(renamed(source.tensor(Linear.O.weight(l)), b + "attn_output.weight"));
            tensors.add(renamed(source.tensor(WeightNames.postAttentionNorm(l)), b + "ffn_norm.weight"));
            tensors.add(renamed(source.tensor(Linear.GATE.weight(l)), b + "ffn_gate.weight"));
            tensors.add(renamed(source.tensor(Linear.UP.weight(l)), b + "ffn_up.weight"));
            tensors.add(renamed(source.tensor(Linear.DOWN.weight(l)), b + "ffn_down.weight"));
        }
        tensors.add(renamed(source.tensor(WeightNames.FINAL_NORM), "output_norm.weight"));
        if (!c.tieWordEmbeddings()) {
            tensors.add(renamed(source.tensor(WeightNames.LM_HEAD), "output.weight"));
        }
        AtomicFiles.write(out, channel -> writeFile(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20),
                meta, tensors));
    }

    /** Reorders the rows of a {@code [heads * d, in]} projection from rotate-half to adjacent-pair layout. */
    static Tensor pairRows(Tensor t, int heads) {
        int rows = t.dim(0);
        int cols = t.dim(1);
        int d = rows / heads;
        int half = d / 2;
        float[] src = t.data();
        float[] dst = new float[src.length];
        for (int h = 0; h < heads; h++) {
            for (int part = 0; part < 2; part++) {
                for (int i = 0; i < half; i++) {
                    int from = h * d + part * half + i;
                    int to = h * d + 2 * i + part;
                    System.arraycopy(src, from * cols, dst, to * cols, cols);
                }
            }
        }
        return new Tensor(t.name(), t.shape(), dst);
    }

    private static Tensor renamed(Tensor t, String name) {
        return new Tensor(name, t.shape(), t.data());
    }

    private static void putTokenizer(Map<String, Object> meta, Path tokenizerJson, LlamaConfig c) throws IOException {
        JsonNode root = Json.read(tokenizerJson);
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new CheckpointFormatException(tokenizerJson.toString(), "model.type",
                    "is '" + model.path("type").asText() + "'; a GGUF export needs a byte-level BPE tokenizer");
        }
        String[] tokens = new String[c.vocabSize()];
        Iterator<Map.Entry<String, JsonNode>> vocab = model.path("vocab").fields();
        while (vocab.hasNext()) {
            Map.Entry<String, JsonNode> e = vocab.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= tokens.length) {
                throw new CheckpointFormatException(tokenizerJson.toString(), "model.vocab." + e.getKey(),
                        "has id " + e.getValue() + "; expected 0.." + (tokens.length - 1) + " (vocab_size)");
            }
            tokens[id] = e.getKey();
        }
        int[] types = new int[tokens.length];
        java.util.Arrays.fill(types, TOKEN_NORMAL);
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            if (id >= 0 && id < tokens.length) {
                tokens[id] = added.path("content").asText();
                types[id] = added.path("special").asBoolean() ? TOKEN_CONTROL : TOKEN_NORMAL;
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new CheckpointFormatException(tokenizerJson.toString(), "model.vocab",
                        "has no token with id " + i + "; a GGUF vocabulary must be dense up to vocab_size");
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        meta.put("tokenizer.ggml.model", "gpt2");
        meta.put("tokenizer.ggml.pre", "gpt-2");
        meta.put("tokenizer.ggml.tokens", tokens);
        meta.put("tokenizer.ggml.token_type", types);
        meta.put("tokenizer.ggml.merges", merges.toArray(new String[0]));
        meta.put("tokenizer.ggml.bos_token_id", u32(c.bosTokenId()));
        meta.put("tokenizer.ggml.eos_token_id", u32(c.eosTokenId()));
        meta.put("tokenizer.ggml.add_bos_token", Boolean.FALSE);
    }

    /** Marks an int as a GGUF uint32 value (a plain Integer array is written as int32). */
    private record U32(int value) {}

    private static U32 u32(int v) {
        return new U32(v);
    }

    private static void writeFile(OutputStream out, Map<String, Object> meta, List<Tensor> tensors)
            throws IOException {
        Sink s = new Sink(out);
        s.u32(MAGIC);
        s.u32(VERSION);
        s.u64(tensors.size());
        s.u64(meta.size());
        for (Map.Entry<String, Object> e : meta.entrySet()) {
            s.string(e.getKey());
            s.value(e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            s.string(t.name());
            int[] shape = t.shape();
            s.u32(shape.length);
            // ggml lists dimensions innermost first.
            for (int i = shape.length - 1; i >= 0; i--) {
                s.u64(shape[i]);
            }
            s.u32(GGML_F32);
            s.u64(offset);
            offset = align(offset + 4L * t.size());
        }
        s.pad();
        for (Tensor t : tensors) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.data());
            s.bytes(b.array());
            s.pad();
        }
        out.flush();
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Little-endian primitives with a running byte count (for alignment). */
    private static final class Sink {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Sink(OutputStream out) {
            this.out = out;
        }

        void u32(int v) throws IOException {
            scratch.clear();
            scratch.putInt(v);
            bytes(scratch.array(), 4);
        }

        void u64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            bytes(scratch.array(), 8);
        }

        void f32(float v) throws IOException {
            u32(Float.floatToRawIntBits(v));
        }

        void string(String v) throws IOException {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void value(Object v) throws IOException {
            switch (v) {
                case U32 u -> {
                    u32(UINT32);
                    u32(u.value());
                }
                case Float f -> {
                    u32(FLOAT32);
                    f32(f);
                }
                case Boolean b -> {
                    u32(7);
                    bytes(new byte[] {(byte) (b ? 1 : 0)});
                }
                case String str -> {
                    u32(STRING);
                    string(str);
                }
                case String[] arr -> {
                    u32(ARRAY);
                    u32(STRING);
                    u64(arr.length);
                    for (String a : arr) {
                        string(a);
                    }
                }
                case int[] arr -> {
                    u32(ARRAY);
                    u32(INT32);
                    u64(arr.length);
                    for (int a : arr) {
                        u32(a);
                    }
                }
                default -> throw new IllegalArgumentException("no GGUF type for " + v.getClass());
            }
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) throws IOException {
            out.write(b, 0, n);
            written += n;
        }

        void pad() throws IOException {
            long target = align(written);
            while (written < target) {
                out.write(0);
                written++;
            }
        }
    }
}
