package org.pmpdrepro.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.pmpdrepro.io.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a decoder needs to know about a tokenizer beyond encoding: the vocabulary size and which ids mean
 * beginning of sequence, end of sequence and padding. The native library exposes neither, so they are read
 * from the files of a Hugging Face model directory.
 *
 * <p>A role's id comes from, in order: {@code config.json}'s {@code <role>_token_id} (the ids the model was
 * trained with); the token {@code tokenizer_config.json} names in {@code <role>_token}, looked up in
 * {@code tokenizer.json}. Padding falls back to end of sequence, since Llama checkpoints define no pad token.
 * Nothing is assumed about the tokens' spelling.
 *
 * @param vocabSize one past the largest id in the model vocabulary or the added tokens
 * @param bosId id of the beginning-of-sequence token
 * @param eosId id of the end-of-sequence token
 * @param padId id of the padding token
 */
public record TokenizerMetadata(int vocabSize, int bosId, int eosId, int padId) {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerMetadata.class);
    private static final ObjectMapper JSON = Json.mapper();

    public TokenizerMetadata {
        String[] roles = {"bos", "eos", "pad"};
        int[] ids = {bosId, eosId, padId};
        for (int i = 0; i < roles.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException(roles[i] + " id " + ids[i] + " is outside the vocabulary [0, "
                        + vocabSize + ")");
            }
        }
    }

    /** Reads {@code tokenizer.json} and, when present beside it, {@code tokenizer_config.json} and {@code config.json}. */
    public static TokenizerMetadata read(Path tokenizerJson) throws IOException {
        JsonNode tokenizer = readJson(tokenizerJson);
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        Path configFile = dir.resolve("config.json");
        Path tokenizerConfigFile = dir.resolve(TokenizerJsonWriter.TOKENIZER_CONFIG_JSON);
        JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile) : JSON.createObjectNode();
        JsonNode tokenizerConfig =
                Files.isRegularFile(tokenizerConfigFile) ? readJson(tokenizerConfigFile) : JSON.createObjectNode();

        int vocabSize = vocabSize(tokenizer, tokenizerJson);
        Resolver resolver = new Resolver(tokenizer, tokenizerJson, config, configFile, tokenizerConfig,
                tokenizerConfigFile);
        int bos = resolver.id("bos").orElseThrow(() -> resolver.missing("bos"));
        int eos = resolver.id("eos").orElseThrow(() -> resolver.missing("eos"));
        int pad = resolver.id("pad").orElse(eos);
        try {
            return new TokenizerMetadata(vocabSize, bos, eos, pad);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file) throws IOException {
        // Json.read decodes UTF-8 strictly: Jackson's own reading of a File guesses UTF-16 or UTF-32 from the first
        // bytes, and its CharConversionException then names no file.
        JsonNode node = Json.read(file);
        if (node == null || !node.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        return node;
    }

    private static int vocabSize(JsonNode tokenizer, Path file) throws IOException {
        int size = 0;
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: token → id
            for (JsonNode id : vocab) {
                size = Math.max(size, id.asInt() + 1);
            }
        } else if (vocab.isArray()) { // Unigram: [piece, score] by id
            size = vocab.size();
        } else {
            throw new IOException(file + ": field 'model.vocab' is " + (vocab.isMissingNode() ? "missing" : vocab)
                    + "; expected an object or an array");
        }
        for (JsonNode added : tokenizer.path("added_tokens")) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        return size;
    }

    /** Looks a role's id up in the three files. */
    private record Resolver(JsonNode tokenizer, Path tokenizerFile, JsonNode config, Path configFile,
            JsonNode tokenizerConfig, Path tokenizerConfigFile) {

        Optional<Integer> id(String role) throws IOException {
            Optional<Integer> fromConfig = configId(role);
            Optional<String> token = tokenName(role);
            Optional<Integer> fromToken = Optional.empty();
            if (token.isPresent()) {
                fromToken = Optional.of(lookUp(token.get()).orElseThrow(() -> new IOException(tokenizerConfigFile
                        + ": field '" + role + "_token' names '" + token.get() + "', which " + tokenizerFile
                        + " does not contain")));
            }
            if (fromConfig.isPresent() && fromToken.isPresent() && !fromConfig.equals(fromToken)) {
                LOG.warn("{}: {}_token_id {} differs from the id {} of '{}' in {}; using {}", configFile, role,
                        fromConfig.get(), fromToken.get(), token.get(), tokenizerFile, fromConfig.get());
            }
            return fromConfig.isPresent() ? fromConfig : fromToken;
        }

        IOException missing(String role) {
            return new IOException("no " + role + " token: neither " + configFile + " field '" + role
                    + "_token_id' nor " + tokenizerConfigFile + " field '" + role + "_token' is set");
        }

        private Optional<Integer> configId(String role) throws IOException {
            JsonNode n = config.path(role + "_token_id");
            if (n.isArray() && !n.isEmpty()) {
                n = n.get(0); // several end tokens: the first is the canonical one
            }
            if (n.isMissingNode() || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isIntegralNumber()) {
                throw new IOException(configFile + ": field '" + role + "_token_id' is " + n
                        + "; expected an integer, a list of integers or null");
            }
            return Optional.of(n.asInt());
        }

        private Optional<String> tokenName(String role) throws IOException {
            JsonNode n = tokenizerConfig.path(role + "_token");
            if (n.isObject()) {
                n = n.path("content"); // an AddedToken written out by transformers
            }
            if (n.isMissingNode() || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isTextual()) {
                throw new IOException(tokenizerConfigFile + ": field '" + role + "_token' is " + n
                        + "; expected a string, an object with 'content', or null");
            }
            return Optional.of(n.asText());
        }

        private Optional<Integer> lookUp(String token) {
            for (JsonNode added : tokenizer.path("added_tokens")) {
                if (token.equals(added.path("content").asText(null))) {
                    return Optional.of(added.path("id").asInt());
                }
            }
            JsonNode vocab = tokenizer.path("model").path("vocab");
            if (vocab.isObject() && vocab.has(token)) {
                return Optional.of(vocab.get(token).asInt());
            }
            if (vocab.isArray()) {
                for (int id = 0; id < vocab.size(); id++) {
                    if (token.equals(vocab.get(id).path(0).asText(null))) {
                        return Optional.of(id);
                    }
                }
            }
            return Optional.empty();
        }
    }
}
