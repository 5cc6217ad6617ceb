package org.pmpdrepro.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain-Java encoder for a {@link BpeModel}: the oracle the native Hugging Face tokenizer is checked against.
 *
 * <p>Each pre-tokenized word is merged the way the {@code tokenizers} BPE model merges it: repeatedly the
 * adjacent pair with the lowest merge rank, the leftmost one on ties, one occurrence at a time. Special-token
 * literals in the text are not recognised here; this encoder sees plain text only.
 */
public final class BpeEncoder {

    private final BpeModel model;
    private final Map<String, Integer> ids;
    /** pair of token ids → {rank, id of the merged token}. */
    private final Map<Long, int[]> merges;
    private final int[] byteIds = new int[256];

    public BpeEncoder(BpeModel model) {
        this.model = model;
        this.ids = model.tokenIds();
        this.merges = new HashMap<>(model.merges().size() * 2);
        for (int rank = 0; rank < model.merges().size(); rank++) {
            BpeModel.Merge m = model.merges().get(rank);
            long key = MergeState.pair(ids.get(m.left()), ids.get(m.right()));
            merges.put(key, new int[] {rank, ids.get(m.result())});
        }
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevel.symbol(b)));
            if (id == null) {
                throw new IllegalArgumentException("byte 0x%02X has no token ('%s'); a byte-level vocabulary has all 256"
                        .formatted(b, ByteLevel.symbol(b)));
            }
            byteIds[b] = id;
        }
    }

    public BpeModel model() {
        return model;
    }

    /** Token ids of a text, without special tokens. */
    public int[] encode(String text) {
        List<String> words = ByteLevel.preTokenize(text);
        int[] out = new int[16];
        int n = 0;
        for (String word : words) {
            int[] pieces = encodeWord(word);
            if (n + pieces.length > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + pieces.length));
            }
            System.arraycopy(pieces, 0, out, n, pieces.length);
            n += pieces.length;
        }
        return Arrays.copyOf(out, n);
    }

    /** Token ids of one word already written as byte-level symbols. */
    int[] encodeWord(String symbols) {
        byte[] bytes = ByteLevel.toBytes(symbols);
        int[] tokens = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            tokens[i] = byteIds[bytes[i] & 0xFF];
        }
        int n = tokens.length;
        while (n > 1) {
            int bestAt = -1;
            int[] best = null;
            for (int i = 0; i + 1 < n; i++) {
                int[] m = merges.get(MergeState.pair(tokens[i], tokens[i + 1]));
                if (m != null && (best == null || m[0] < best[0])) {
                    best = m;
                    bestAt = i;
                }
            }
            if (best == null) {
                break;
            }
            tokens[bestAt] = best[1];
            System.arraycopy(tokens, bestAt + 2, tokens, bestAt + 1, n - bestAt - 2);
            n--;
        }
        return Arrays.copyOf(tokens, n);
    }

    /** The text of token ids, special tokens skipped; invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] tokenIds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int specials = model.specialTokens().size();
        for (int id : tokenIds) {
            if (id < 0 || id >= model.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, "
                        + model.vocabSize() + ")");
            }
            if (id >= specials) {
                bytes.writeBytes(ByteLevel.toBytes(model.tokens().get(id)));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
