package org.pmpdrepro.tokenizer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a GPT-2-style byte-level BPE vocabulary.
 *
 * <p>Text is prepared exactly as the written tokenizer.json prepares it at inference time (special-token
 * literals cut out, NFKC, the GPT-2 split regex, UTF-8 bytes; see {@link ByteLevel}); distinct words are counted
 * once, then merges are learned incrementally (see {@link MergeState}). The result is deterministic: the most
 * frequent pair is merged first, ties going to the pair whose left, then right, symbol is the smallest byte
 * string. All 256 byte symbols are always in the vocabulary, so any text can be encoded without an unknown token.
 */
public final class BpeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BpeTrainer.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);

    /** The project's special tokens, in id order: padding, beginning and end of sequence. */
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<pad>", "<s>", "</s>");

    /**
     * @param vocabSize the vocabulary size to reach, special tokens and the 256 byte symbols included
     * @param minFrequency a pair seen fewer times than this is never merged (training may then stop early)
     * @param specialTokens tokens given ids {@code 0..n-1} in this order; no merge produces them
     */
    public record Options(int vocabSize, long minFrequency, List<String> specialTokens) {

        public Options {
            specialTokens = List.copyOf(specialTokens);
            if (new HashSet<>(specialTokens).size() != specialTokens.size()) {
                throw new IllegalArgumentException("special tokens " + specialTokens + " repeat a token");
            }
            for (String t : specialTokens) {
                if (t.isEmpty() || (t.length() == 1 && isByteSymbol(t.charAt(0)))) {
                    throw new IllegalArgumentException("special token '" + t
                            + "' would collide with a byte symbol; expected a longer string such as <s>");
                }
            }
            int floor = specialTokens.size() + 256;
            if (vocabSize < floor) {
                throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below " + floor
                        + " (the special tokens plus the 256 byte symbols)");
            }
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minimum pair frequency " + minFrequency + "; expected >= 1");
            }
        }

        /** 4096 tokens, pairs seen at least twice, {@code <pad> <s> </s>} as ids 0, 1, 2. */
        public static Options defaults() {
            return new Options(4096, 2, DEFAULT_SPECIAL_TOKENS);
        }

        public Options withVocabSize(int size) {
            return new Options(size, minFrequency, specialTokens);
        }

        public Options withMinFrequency(long frequency) {
            return new Options(vocabSize, frequency, specialTokens);
        }

        public Options withSpecialTokens(List<String> tokens) {
            return new Options(vocabSize, minFrequency, tokens);
        }

        private static boolean isByteSymbol(char c) {
            try {
                ByteLevel.toBytes(String.valueOf(c));
                return true;
            } catch (IllegalArgumentException notOne) {
                return false;
            }
        }
    }

    private final Options options;

    public BpeTrainer(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    public BpeModel train(Stream<String> texts) {
        return train((Iterable<String>) texts::iterator);
    }

    public BpeModel train(Iterable<String> texts) {
        WordCounts counts = countWords(texts);
        return learnMerges(counts);
    }

    /** Distinct pre-tokenized words (UTF-8 bytes) in byte order, with how often each occurs. */
    record WordCounts(List<byte[]> words, long[] counts) {}

    WordCounts countWords(Iterable<String> texts) {
        Map<String, long[]> counts = new HashMap<>();
        long started = System.nanoTime();
        long lastLog = started;
        long documents = 0;
        long chars = 0;
        for (String text : texts) {
            for (String segment : withoutSpecialTokens(text)) {
                for (String piece : ByteLevel.split(ByteLevel.normalize(segment))) {
                    counts.computeIfAbsent(piece, k -> new long[1])[0]++;
                }
            }
            documents++;
            chars += text.length();
            long now = System.nanoTime();
            if (now - lastLog > LOG_EVERY.toNanos()) {
                lastLog = now;
                LOG.info("counted {} documents, {} M chars, {} distinct words ({} M chars/s)", documents,
                        chars / 1_000_000, counts.size(), String.format("%.1f", chars / 1e3 / ((now - started) / 1e6)));
            }
        }
        record Entry(byte[] word, long count) {}
        List<Entry> entries = new ArrayList<>(counts.size());
        counts.forEach((piece, n) -> entries.add(new Entry(piece.getBytes(StandardCharsets.UTF_8), n[0])));
        // Hash-map order must not decide anything downstream: fix the word order.
        entries.sort((a, b) -> Arrays.compareUnsigned(a.word(), b.word()));
        List<byte[]> words = new ArrayList<>(entries.size());
        long[] wordCounts = new long[entries.size()];
        for (int i = 0; i < wordCounts.length; i++) {
            words.add(entries.get(i).word());
            wordCounts[i] = entries.get(i).count();
        }
        LOG.info("counted {} documents, {} chars, {} distinct words in {} s", documents, chars, words.size(),
                String.format("%.1f", (System.nanoTime() - started) / 1e9));
        return new WordCounts(words, wordCounts);
    }

    /** The parts of a text between literal special tokens, which tokenizer.json matches before normalising. */
    private List<String> withoutSpecialTokens(String text) {
        List<String> parts = List.of(text);
        for (String special : options.specialTokens()) {
            if (!text.contains(special)) {
                continue;
            }
            List<String> split = new ArrayList<>();
            for (String part : parts) {
                int from = 0;
                for (int at = part.indexOf(special); at >= 0; at = part.indexOf(special, from)) {
                    split.add(part.substring(from, at));
                    from = at + special.length();
                }
                split.add(part.substring(from));
            }
            parts = split;
        }
        return parts;
    }

    BpeModel learnMerges(WordCounts counts) {
        List<String> specials = options.specialTokens();
        MergeState state = new MergeState(counts.words(), counts.counts(), new HashSet<>(specials));
        List<BpeModel.Merge> merges = new ArrayList<>();
        Set<Long> learned = new HashSet<>();
        int target = options.vocabSize() - specials.size();
        Progress progress = Progress.of(LOG, "bpe", target - 256, "new tokens").every(LOG_EVERY);
        while (state.symbolCount() < target) {
            long pair = state.bestPair(options.minFrequency());
            if (pair < 0) {
                LOG.warn("no pair occurs {} times or more; stopping at vocabulary size {} instead of {}",
                        options.minFrequency(), state.symbolCount() + specials.size(), options.vocabSize());
                break;
            }
            if (learned.add(pair)) {
                merges.add(new BpeModel.Merge(
                        state.symbolText(MergeState.left(pair)), state.symbolText(MergeState.right(pair))));
            }
            // A pair can come back once a later merge rebuilds one of its sides ("a"+"bc" spelling an existing
            // "abc"); the rule already exists, so only the words are merged, as the encoder would merge them.
            state.merge(pair);
            progress.advanceTo(state.symbolCount() - 256, () -> merges.size() + " merges");
        }
        if (progress.done() < target - 256) {
            progress.report(merges.size() + " merges; stopped short");
        }

        List<String> tokens = new ArrayList<>(specials);
        for (int s = 0; s < state.symbolCount(); s++) {
            tokens.add(state.symbolText(s));
        }
        return new BpeModel(specials, tokens, merges);
    }

}
