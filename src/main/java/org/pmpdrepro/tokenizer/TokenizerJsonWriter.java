package org.pmpdrepro.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.pmpdrepro.io.Json;

/**
 * Writes a {@link BpeModel} in the Hugging Face layout: {@code tokenizer.json} (the file the native
 * {@code tokenizers} library loads) and {@code tokenizer_config.json} (which token plays which role).
 *
 * <p>The pipeline written is the one {@link ByteLevel} reproduces: NFKC, ByteLevel pre-tokenizer with the GPT-2
 * regex and no prefix space, BPE without unknown token, ByteLevel decoder. Output bytes depend only on the model,
 * so two identical trainings give byte-identical files.
 */
public final class TokenizerJsonWriter {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter JSON;

    static {
        // Fixed "\n" line ends: the platform's separator must not change the file's hash.
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        JSON = Json.mapper().writer(new DefaultPrettyPrinter()
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter));
    }

    private TokenizerJsonWriter() {}

    /** Which special token plays which role, as {@code tokenizer_config.json} names them. */
    public record Roles(String bos, String eos, String pad) {

        /** The project's own tokens: {@code <s>}, {@code </s>}, {@code <pad>}. */
        public static Roles project() {
            return new Roles("<s>", "</s>", "<pad>");
        }
    }

    /** Writes {@code dir/tokenizer.json} and {@code dir/tokenizer_config.json}, creating {@code dir}. */
    public static void writeDirectory(BpeModel model, Roles roles, Path dir) throws IOException {
        for (String token : new String[] {roles.bos(), roles.eos(), roles.pad()}) {
            if (!model.specialTokens().contains(token)) {
                throw new IllegalArgumentException("role token '" + token + "' is not among the special tokens "
                        + model.specialTokens());
            }
        }
        Files.createDirectories(dir);
        writeAtomically(dir.resolve(TOKENIZER_JSON), tokenizerJson(model));
        writeAtomically(dir.resolve(TOKENIZER_CONFIG_JSON), tokenizerConfig(roles));
    }

    /** The {@code tokenizer.json} document of a model. */
    public static ObjectNode tokenizerJson(BpeModel model) {
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < model.specialTokens().size(); id++) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", model.specialTokens().get(id));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            // Matched in the raw text, before NFKC: the trainer cuts them out before normalising too.
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putObject("normalizer").put("type", "NFKC");
        root.set("pre_tokenizer", byteLevel());
        root.set("post_processor", byteLevel());
        root.set("decoder", byteLevel());

        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("unk_token");
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", false);
        bpe.put("byte_fallback", false);
        bpe.put("ignore_merges", false);
        ObjectNode vocab = bpe.putObject("vocab");
        for (int id = 0; id < model.vocabSize(); id++) {
            vocab.put(model.tokens().get(id), id);
        }
        // The "left right" string form: every tokenizers release reads it, and byte-level symbols hold no space.
        ArrayNode merges = bpe.putArray("merges");
        for (BpeModel.Merge m : model.merges()) {
            merges.add(m.left() + " " + m.right());
        }
        return root;
    }

    private static ObjectNode byteLevel() {
        ObjectNode node = NODES.objectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }

    /** The {@code tokenizer_config.json} document naming the special tokens' roles. */
    public static ObjectNode tokenizerConfig(Roles roles) {
        ObjectNode root = NODES.objectNode();
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("bos_token", roles.bos());
        root.put("eos_token", roles.eos());
        root.put("pad_token", roles.pad());
        root.put("add_bos_token", true);
        root.put("add_eos_token", false);
        root.put("clean_up_tokenization_spaces", false);
        return root;
    }

    private static void writeAtomically(Path target, ObjectNode json) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
