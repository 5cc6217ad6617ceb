package org.pmpdrepro.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json}, loaded through DJL's native {@link HuggingFaceTokenizer}: the same code
 * path for the project's own byte-level BPE and for a real checkpoint's tokenizer (Llama/TinyLlama
 * SentencePiece conversions included).
 *
 * <p>Encoding adds no special tokens (callers place {@link #bosId()} themselves), never truncates and never pads:
 * DJL's defaults would otherwise cut every text to 512 tokens without a word and pad batches to their longest.
 * Special-token literals in the text, such as {@code "<s>"}, are still recognised by the native library and come
 * out as their ids.
 */
public final class ProjectTokenizer implements AutoCloseable {

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerMetadata metadata;

    private ProjectTokenizer(Path file, HuggingFaceTokenizer tokenizer, TokenizerMetadata metadata) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.metadata = metadata;
    }

    /**
     * Loads {@code dir/tokenizer.json} (or the given tokenizer.json file); {@code tokenizer_config.json} and
     * {@code config.json} beside it name the special tokens (see {@link TokenizerMetadata}).
     */
    public static ProjectTokenizer load(Path dirOrFile) throws IOException {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(TokenizerJsonWriter.TOKENIZER_JSON) : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no tokenizer.json there");
        }
        TokenizerMetadata metadata = TokenizerMetadata.read(file);
        HuggingFaceTokenizer tokenizer;
        try {
            // The Path builder reads a local file; the String overloads would ask the Hugging Face hub.
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new IOException(file + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
        if (!"DO_NOT_TRUNCATE".equals(tokenizer.getTruncation()) || !"DO_NOT_PAD".equals(tokenizer.getPadding())) {
            tokenizer.close();
            throw new IllegalStateException(file + ": DJL kept truncation " + tokenizer.getTruncation()
                    + " and padding " + tokenizer.getPadding() + "; expected DO_NOT_TRUNCATE and DO_NOT_PAD");
        }
        return new ProjectTokenizer(file, tokenizer, metadata);
    }

    /** Token ids of a text, without special tokens added. */
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text).getIds());
    }

    /** Token ids of several texts, each as long as it needs (no padding). */
    public List<int[]> encodeBatch(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        List<int[]> out = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            out.add(toInts(e.getIds()));
        }
        return out;
    }

    /** The text of token ids, special tokens left out. */
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= metadata.vocabSize()) {
                // The native decoder would silently drop an unknown id.
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + metadata.vocabSize() + ") of " + file);
            }
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, true);
    }

    public int bosId() {
        return metadata.bosId();
    }

    public int eosId() {
        return metadata.eosId();
    }

    public int padId() {
        return metadata.padId();
    }

    public int vocabSize() {
        return metadata.vocabSize();
    }

    public TokenizerMetadata metadata() {
        return metadata;
    }

    /** The tokenizer.json this was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
