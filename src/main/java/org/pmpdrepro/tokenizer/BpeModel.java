package org.pmpdrepro.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE vocabulary: what a tokenizer.json's {@code model} and {@code added_tokens} hold.
 *
 * @param specialTokens the special tokens; they take ids {@code 0..specialTokens.size()-1} in this order
 * @param tokens every token by id: the special tokens first, then byte-level symbol strings (see {@link ByteLevel})
 * @param merges the merge rules in rank order (rank 0 is applied first)
 */
public record BpeModel(List<String> specialTokens, List<String> tokens, List<Merge> merges) {

    /** One merge rule: two adjacent tokens become their concatenation. */
    public record Merge(String left, String right) {
        public Merge {
            if (left.isEmpty() || right.isEmpty() || left.indexOf(' ') >= 0 || right.indexOf(' ') >= 0) {
                // tokenizer.json writes a merge as "left right": neither side may be empty or hold a space.
                throw new IllegalArgumentException("merge ('" + left + "', '" + right
                        + "'): expected two non-empty byte-level symbols without spaces");
            }
        }

        public String result() {
            return left + right;
        }
    }

    public BpeModel {
        specialTokens = List.copyOf(specialTokens);
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Integer previous = ids.putIfAbsent(tokens.get(i), i);
            if (previous != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' has two ids, " + previous + " and "
                        + i + "; expected each token once");
            }
        }
        for (int i = 0; i < specialTokens.size(); i++) {
            if (i >= tokens.size() || !tokens.get(i).equals(specialTokens.get(i))) {
                throw new IllegalArgumentException("special token '" + specialTokens.get(i) + "' expected at id " + i
                        + " but id " + i + " is " + (i < tokens.size() ? "'" + tokens.get(i) + "'" : "missing"));
            }
        }
        Map<Merge, Integer> ranks = new HashMap<>();
        for (int rank = 0; rank < merges.size(); rank++) {
            Merge m = merges.get(rank);
            Integer earlier = ranks.putIfAbsent(m, rank);
            if (earlier != null) {
                // The native loader keeps only one rank per pair; which one is an accident of its map.
                throw new IllegalArgumentException("merge " + rank + " (" + m.left() + " " + m.right()
                        + ") repeats merge " + earlier + "; expected each pair once");
            }
            for (String part : List.of(m.left(), m.right(), m.result())) {
                if (!ids.containsKey(part)) {
                    throw new IllegalArgumentException("merge " + rank + " (" + m.left() + " " + m.right()
                            + ") uses '" + part + "', which is not in the vocabulary");
                }
            }
        }
    }

    public int vocabSize() {
        return tokens.size();
    }

    /** Token → id, built on each call; callers that look up often keep the map. */
    public Map<String, Integer> tokenIds() {
        Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        return ids;
    }
}
