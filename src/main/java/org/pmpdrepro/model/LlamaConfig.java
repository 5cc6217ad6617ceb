package org.pmpdrepro.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pmpdrepro.io.Json;

/**
 * The architecture of a Llama-family decoder, as a Hugging Face {@code config.json} states it.
 *
 * <p>Rotary embeddings follow the Hugging Face convention: dimension {@code i} of a head is paired with
 * dimension {@code i + headDim/2} ("rotate half"), with inverse frequencies {@code theta^(-2i/headDim)}.
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId) {

    public LlamaConfig {
        require(vocabSize > 0, "vocab_size", vocabSize, "a positive integer");
        require(hiddenSize > 0, "hidden_size", hiddenSize, "a positive integer");
        require(intermediateSize > 0, "intermediate_size", intermediateSize, "a positive integer");
        require(numLayers > 0, "num_hidden_layers", numLayers, "a positive integer");
        require(numHeads > 0 && hiddenSize % numHeads == 0, "num_attention_heads", numHeads,
                "a positive divisor of hidden_size " + hiddenSize);
        require(numKvHeads > 0 && numHeads % numKvHeads == 0, "num_key_value_heads", numKvHeads,
                "a positive divisor of num_attention_heads " + numHeads);
        require((hiddenSize / numHeads) % 2 == 0, "hidden_size/num_attention_heads", hiddenSize / numHeads,
                "an even head dimension (rotary embeddings rotate pairs)");
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings, "a positive integer");
        require(rmsNormEps > 0 && Double.isFinite(rmsNormEps), "rms_norm_eps", rmsNormEps, "a positive finite number");
        require(ropeTheta > 0 && Double.isFinite(ropeTheta), "rope_theta", ropeTheta, "a positive finite number");
        require(bosTokenId >= 0 && bosTokenId < vocabSize, "bos_token_id", bosTokenId,
                "a token id in [0, vocab_size " + vocabSize + ")");
        require(eosTokenId >= 0 && eosTokenId < vocabSize, "eos_token_id", eosTokenId,
                "a token id in [0, vocab_size " + vocabSize + ")");
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public int kvDim() {
        return numKvHeads * headDim();
    }

    /** How many query heads share one key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** Parameters of the model, counting the output head once when it is tied to the embeddings. */
    public long parameterCount() {
        long perLayer = 2L * hiddenSize * hiddenSize // q, o
                + 2L * hiddenSize * kvDim() // k, v
                + 3L * hiddenSize * intermediateSize // gate, up, down
                + 2L * hiddenSize; // two norms
        long embed = (long) vocabSize * hiddenSize;
        return embed + perLayer * numLayers + hiddenSize + (tieWordEmbeddings ? 0 : embed);
    }

    private static final ObjectMapper JSON = Json.mapper();

    /** Reads {@code config.json}; a missing or malformed field is reported with the file and field name. */
    public static LlamaConfig read(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new NoSuchFileException(configJson.toString(), null, "expected the model's Hugging Face config");
        }
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new IOException(configJson + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(configJson + ": expected a JSON object with the model's hyper-parameters");
        }
        try {
            rejectUnsupported(root);
            int heads = intField(root, "num_attention_heads", configJson);
            return new LlamaConfig(
                    intField(root, "vocab_size", configJson),
                    intField(root, "hidden_size", configJson),
                    intField(root, "intermediate_size", configJson),
                    intField(root, "num_hidden_layers", configJson),
                    heads,
                    root.has("num_key_value_heads") ? intField(root, "num_key_value_heads", configJson) : heads,
                    root.has("max_position_embeddings") ? intField(root, "max_position_embeddings", configJson) : 2048,
                    root.has("rms_norm_eps") ? doubleField(root, "rms_norm_eps", configJson) : 1e-6,
                    root.has("rope_theta") ? doubleField(root, "rope_theta", configJson) : 10000.0,
                    root.has("tie_word_embeddings") ? booleanField(root, "tie_word_embeddings") : false,
                    root.has("bos_token_id") ? tokenId(root, "bos_token_id") : 1,
                    root.has("eos_token_id") ? tokenId(root, "eos_token_id") : 2);
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Writes this configuration as a Hugging Face {@code config.json} object. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("LlamaForCausalLM");
        o.put("model_type", "llama");
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numLayers);
        o.put("num_attention_heads", numHeads);
        o.put("num_key_value_heads", numKvHeads);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("hidden_act", "silu");
        o.put("torch_dtype", "float32");
        return o;
    }

    /**
     * Fields whose non-default values change the architecture in ways this project does not implement; they
     * are refused rather than silently ignored.
     */
    private static void rejectUnsupported(JsonNode root) {
        JsonNode scaling = root.get("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            throw new IllegalArgumentException("field 'rope_scaling' is " + scaling
                    + "; expected null (scaled rotary embeddings are not supported)");
        }
        JsonNode act = root.get("hidden_act");
        if (act != null && !act.asText().equals("silu")) {
            throw new IllegalArgumentException("field 'hidden_act' is " + act + "; expected \"silu\" (SwiGLU MLP)");
        }
        for (String bias : new String[] {"attention_bias", "mlp_bias"}) {
            if (root.path(bias).asBoolean(false)) {
                throw new IllegalArgumentException("field '" + bias + "' is true; expected false (Llama projections"
                        + " have no bias)");
            }
        }
        JsonNode headDim = root.get("head_dim");
        JsonNode hidden = root.get("hidden_size");
        JsonNode heads = root.get("num_attention_heads");
        if (headDim != null && !headDim.isNull() && hidden != null && heads != null && heads.asInt() > 0
                && headDim.asInt() != hidden.asInt() / heads.asInt()) {
            throw new IllegalArgumentException("field 'head_dim' is " + headDim + "; expected hidden_size / "
                    + "num_attention_heads = " + hidden.asInt() / heads.asInt());
        }
    }

    /** A token id, or the first of a list of them (Hugging Face allows several end-of-sequence tokens). */
    private static int tokenId(JsonNode root, String field) {
        JsonNode n = root.get(field);
        JsonNode first = n.isArray() && !n.isEmpty() ? n.get(0) : n;
        if (!first.isIntegralNumber() || !first.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' is " + n
                    + "; expected a token id (an integer) or a non-empty array of them");
        }
        return first.intValue();
    }

    private static boolean booleanField(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' is " + n + "; expected true or false");
        }
        return n.booleanValue();
    }

    private static int intField(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is " + (n == null ? "missing" : n.toString())
                    + "; expected an integer");
        }
        return n.asInt();
    }

    private static double doubleField(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is " + (n == null ? "missing" : n.toString())
                    + "; expected a number");
        }
        return n.asDouble();
    }

    private static void require(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("field '" + field + "' is " + value + "; expected " + expected);
        }
    }
}
