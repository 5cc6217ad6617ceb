package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny deterministic encoder for testing BERTScore's definition: each word of a fixed vocabulary is a
 * one-hot vector; in contextual mode each token also carries half of its neighbours' vectors, so word
 * order matters as it does for a real transformer.
 */
record FakeEncoder(List<String> vocabulary, boolean contextual, int maxTokens) implements TokenEncoder {

    FakeEncoder(List<String> vocabulary, boolean contextual) {
        this(vocabulary, contextual, 512);
    }

    @Override
    public String name() {
        return contextual ? "fake-contextual" : "fake-one-hot";
    }

    @Override
    public int layer() {
        return 1;
    }

    @Override
    public List<TokenEmbeddings> encode(List<String> texts) {
        Map<String, Integer> index = new HashMap<>();
        for (String w : vocabulary) {
            index.putIfAbsent(w, index.size());
        }
        List<TokenEmbeddings> out = new ArrayList<>();
        for (String text : texts) {
            List<String> words = PyText.split(text);
            boolean truncated = words.size() > maxTokens;
            if (truncated) {
                words = words.subList(0, maxTokens);
            }
            long[] ids = new long[words.size()];
            float[][] vecs = new float[words.size()][index.size()];
            for (int t = 0; t < words.size(); t++) {
                Integer id = index.get(words.get(t));
                if (id == null) {
                    throw new IllegalArgumentException("word '" + words.get(t) + "' is not in the fake vocabulary");
                }
                ids[t] = id;
                vecs[t][id] += 1f;
                if (contextual) {
                    if (t > 0) {
                        vecs[t][index.get(words.get(t - 1))] += 0.5f;
                    }
                    if (t + 1 < words.size()) {
                        vecs[t][index.get(words.get(t + 1))] += 0.5f;
                    }
                }
            }
            out.add(new TokenEmbeddings(ids, vecs, truncated));
        }
        return out;
    }
}
