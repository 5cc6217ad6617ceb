package org.pmpdrepro.metrics;

import java.util.List;

/**
 * A contextual encoder for BERTScore: per-token embeddings of each text, special tokens ({@code [CLS]},
 * {@code [SEP]}, padding) already removed. The embedded default is {@link MiniLmEncoder}; tests plug in
 * small deterministic encoders.
 */
public interface TokenEncoder {

    /** The encoder's name as it appears in every score's signature, e.g. {@code all-MiniLM-L6-v2}. */
    String name();

    /** The hidden layer the embeddings are taken from (1-based, counting transformer layers). */
    int layer();

    /** The longest input, in tokens including special tokens; longer texts are truncated. */
    int maxTokens();

    /** Encodes texts (implementations batch them); the result is in input order. */
    List<TokenEmbeddings> encode(List<String> texts);
}
