package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * rouge_score's default tokenizer: lower-case, every run of characters outside {@code [a-z0-9]} becomes a
 * separator (so accented and non-Latin letters separate words and are dropped), optional Porter stemming
 * of tokens longer than three characters.
 */
public record RougeTokenizer(boolean useStemmer) {

    public List<String> tokenize(String text) {
        String lower = PyText.lower(text);
        List<String> tokens = new ArrayList<>();
        int n = lower.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isAlnum(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && isAlnum(lower.charAt(i))) {
                i++;
            }
            if (i > start) {
                String token = lower.substring(start, i);
                tokens.add(useStemmer && token.length() > 3 ? PorterStemmer.stem(token) : token);
            }
        }
        return tokens;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
