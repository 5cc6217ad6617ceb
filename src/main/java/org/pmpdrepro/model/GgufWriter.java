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
 * Weights are written as F32, the precision the project computes in, unless another {@link Type} is asked for: F16,
 * or llama.cpp's block formats Q8_0 and Q4_0 (for speed comparisons; norms stay F32, as llama.cpp's own converter
 * keeps them). Tensors are read from the source and written one at a time, so a model far larger than the heap can be
 * exported.
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

    private static final int TOKEN_NORMAL = 1;
    private static final int TOKEN_CONTROL = 3;
    private static final int TOKEN_UNUSED = 5;

    /** Values per block of the block formats. */
    private static final int QK = 32;

    /** The element type of a file's matrices, with ggml's type id and llama.cpp's file-type id. */
    public enum Type {
        F32(0, 0),
        F16(1, 1),
        Q4_0(2, 2),
        Q8_0(8, 7);

        private final int ggmlType;
        private final int fileType;

        Type(int ggmlType, int fileType) {
            this.ggmlType = ggmlType;
            this.fileType = fileType;
        }

        /** Bytes of {@code n} values (a block format needs whole blocks of 32). */
        public long bytes(long n) {
            return switch (this) {
                case F32 -> 4 * n;
                case F16 -> 2 * n;
                case Q8_0 -> n / QK * (2 + QK);
                case Q4_0 -> n / QK * (2 + QK / 2);
            };
        }

        boolean blocked() {
            return this == Q8_0 || this == Q4_0;
        }
    }

    private GgufWriter() {}

    /**
     * Writes {@code source} and the tokenizer {@code tokenizerJson} (a Hugging Face {@code tokenizer.json} of a
     * byte-level BPE) to {@code out}, atomically, all weights F32.
     */
    public static void write(WeightSource source, Path tokenizerJson, Path out) throws IOException {
        write(source, tokenizerJson, out, Type.F32, false);
    }

    /**
     * As {@link #write(WeightSource, Path, Path)} with the matrices (and embeddings) in {@code type}. With
     * {@code padVocabulary}, a tokenizer smaller than the model's vocabulary is padded with unused tokens (synthetic
     * models for speed comparisons, which feed token ids); otherwise every id must have its token.
     */
    public static void write(WeightSource source, Path tokenizerJson, Path out, Type type, boolean padVocabulary)
            throws IOException {
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
        meta.put("general.file_type", u32(type.fileType));
        putTokenizer(meta, tokenizerJson, c, padVocabulary);

        List<Entry> tensors = new ArrayList<>();
        tensors.add(new Entry(WeightNames.EMBED, "token_embd.weight", 0, type));
        for (int l = 0; l < c.numLayers(); l++) {
            String b = "blk." + l + ".";
            tensors.add(new Entry(WeightNames.inputNorm(l), b + "attn_norm.weight", 0, Type.F32));
            tensors.add(new Entry(Linear.Q.weight(l), b + "attn_q.weight", c.numHeads(), type));
            tensors.add(new Entry(Linear.K.weight(l), b + "attn_k.weight", c.numKvHeads(), type));
            tensors.add(new Entry(Linear.V.weight(l), b + "attn_v.weight", 0, type));
            tensors.add(new Entry(Linear.O.weight(l), b + "attn_output.weight", 0, type));
            tensors.add(new Entry(WeightNames.postAttentionNorm(l), b + "ffn_norm.weight", 0, Type.F32));
            tensors.add(new Entry(Linear.GATE.weight(l), b + "ffn_gate.weight", 0, type));
            tensors.add(new Entry(Linear.UP.weight(l), b + "ffn_up.weight", 0, type));
            tensors.add(new Entry(Linear.DOWN.weight(l), b + "ffn_down.weight", 0, type));
        }
        tensors.add(new Entry(WeightNames.FINAL_NORM, "output_norm.weight", 0, Type.F32));
        if (!c.tieWordEmbeddings()) {
            tensors.add(new Entry(WeightNames.LM_HEAD, "output.weight", 0, type));
        }
        List<int[]> shapes = new ArrayList<>();
        for (Entry e : tensors) {
            int[] shape = source.shape(e.source());
            if (e.type().blocked() && shape[shape.length - 1] % QK != 0) {
                throw new IllegalArgumentException(e.source() + " has rows of " + shape[shape.length - 1]
                        + " values; " + e.type() + " stores whole blocks of " + QK);
            }
            shapes.add(shape);
        }
        AtomicFiles.write(out, channel -> writeFile(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20),
                meta, tensors, shapes, source));
    }

    /**
     * One tensor of the file: its source name, its GGUF name, the heads whose rows are reordered to adjacent pairs
     * (0: none) and its element type.
     */
    private record Entry(String source, String name, int pairHeads, Type type) {}

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

    private static void putTokenizer(Map<String, Object> meta, Path tokenizerJson, LlamaConfig c, boolean pad)
            throws IOException {
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
            if (tokens[i] == null && pad) {
                tokens[i] = "<unused" + i + ">";
                types[i] = TOKEN_UNUSED;
            }
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

    private static void writeFile(OutputStream out, Map<String, Object> meta, List<Entry> tensors, List<int[]> shapes,
            WeightSource source) throws IOException {
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
        for (int i = 0; i < tensors.size(); i++) {
            Entry t = tensors.get(i);
            int[] shape = shapes.get(i);
            s.string(t.name());
            s.u32(shape.length);
            // ggml lists dimensions innermost first.
            long n = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                s.u64(shape[d]);
                n *= shape[d];
            }
            s.u32(t.type().ggmlType);
            s.u64(offset);
            offset = align(offset + t.type().bytes(n));
        }
        s.pad();
        for (Entry e : tensors) {
            Tensor t = source.tensor(e.source());
            float[] data = e.pairHeads() > 0 ? pairRows(t, e.pairHeads()).data() : t.data();
            s.bytes(encode(data, e.type()));
            s.pad();
        }
        out.flush();
    }

    /** {@code data} in {@code type}, little-endian. */
    static byte[] encode(float[] data, Type type) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(type.bytes(data.length))).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> b.asFloatBuffer().put(data);
            case F16 -> {
                for (float v : data) {
                    b.putShort(Float.floatToFloat16(v));
                }
            }
            case Q8_0 -> {
                for (int from = 0; from < data.length; from += QK) {
                    float amax = 0;
                    for (int j = 0; j < QK; j++) {
                        amax = Math.max(amax, Math.abs(data[from + j]));
                    }
                    float d = amax / 127;
                    float id = d != 0 ? 1 / d : 0;
                    b.putShort(Float.floatToFloat16(d));
                    for (int j = 0; j < QK; j++) {
                        // Halves round away from zero, as C's roundf.
                        float v = data[from + j] * id;
                        b.put((byte) (v < 0 ? -Math.round(-v) : Math.round(v)));
                    }
                }
            }
            case Q4_0 -> {
                for (int from = 0; from < data.length; from += QK) {
                    // The value of largest magnitude, with its sign, maps to -8.
                    float max = 0;
                    for (int j = 0; j < QK; j++) {
                        if (Math.abs(data[from + j]) > Math.abs(max)) {
                            max = data[from + j];
                        }
                    }
                    float d = max / -8;
                    float id = d != 0 ? 1 / d : 0;
                    b.putShort(Float.floatToFloat16(d));
                    for (int j = 0; j < QK / 2; j++) {
                        int lo = Math.min(15, (int) (data[from + j] * id + 8.5f));
                        int hi = Math.min(15, (int) (data[from + QK / 2 + j] * id + 8.5f));
                        b.put((byte) (lo | hi << 4));
                    }
                }
            }
        }
        return b.array();
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
