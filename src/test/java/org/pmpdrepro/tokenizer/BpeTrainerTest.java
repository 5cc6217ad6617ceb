package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class BpeTrainerTest {

    private static final int BASE = BpeTrainer.DEFAULT_SPECIAL_TOKENS.size() + 256;

    /** Each word a document of its own, so no space joins them: hug×10, pug×5, pun×12, bun×4, hugs×5. */
    private static List<String> hugCorpus() {
        List<String> docs = new ArrayList<>();
        docs.addAll(Collections.nCopies(10, "hug"));
        docs.addAll(Collections.nCopies(5, "pug"));
        docs.addAll(Collections.nCopies(12, "pun"));
        docs.addAll(Collections.nCopies(4, "bun"));
        docs.addAll(Collections.nCopies(5, "hugs"));
        return docs;
    }

    private static List<String> mergeStrings(BpeModel model) {
        return model.merges().stream().map(m -> m.left() + " " + m.right()).toList();
    }

    @Test
    @DisplayName("the most frequent pair is merged first, and counts are updated after every merge")
    void mostFrequentPairFirst() {
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(BASE + 7).withMinFrequency(1))
                .train(hugCorpus());
        // u g (20), then u n (16), h ug (15), p un (12); then hug s and p ug tie at 5; b un (4).
        assertThat(mergeStrings(model)).containsExactly("u g", "u n", "h ug", "p un", "hug s", "p ug", "b un");
    }

    @Test
    @DisplayName("a tie in count goes to the pair whose left, then right, symbol is the smaller byte string")
    void tiesGoToTheSmallestPair() {
        List<String> docs = new ArrayList<>();
        docs.addAll(Collections.nCopies(3, "cd"));
        docs.addAll(Collections.nCopies(3, "ab"));
        docs.addAll(Collections.nCopies(3, "ac"));
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(BASE + 3).withMinFrequency(1))
                .train(docs);
        assertThat(mergeStrings(model)).containsExactly("a b", "a c", "c d");
    }

    @Test
    @DisplayName("a space before a word travels with the word, as the byte symbol Ġ")
    void spaceJoinsTheFollowingWord() {
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(BASE + 1).withMinFrequency(1))
                .train(List.of("x x x x", "ab"));
        assertThat(mergeStrings(model)).containsExactly("\u0120 x");
    }

    @Test
    @DisplayName("the vocabulary is the special tokens at ids 0-2, the 256 bytes, then merge results")
    void vocabularyLayout() {
        BpeModel model = TokenizerFixtures.trained();
        assertThat(model.vocabSize()).isEqualTo(TokenizerFixtures.VOCAB_SIZE);
        assertThat(model.tokens().subList(0, 3)).containsExactly("<pad>", "<s>", "</s>");
        for (int b = 0; b < 256; b++) {
            assertThat(model.tokens().get(3 + b)).isEqualTo(String.valueOf(ByteLevel.symbol(b)));
        }
        assertThat(model.tokens().subList(BASE, model.vocabSize()))
                .allSatisfy(t -> assertThat(t.length()).isGreaterThan(1));
    }

    @Test
    @DisplayName("two trainings on the same texts give the same model")
    void deterministic() {
        List<String> corpus = TokenizerFixtures.lines("corpus-train.txt");
        BpeTrainer trainer = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(TokenizerFixtures.VOCAB_SIZE));
        assertThat(trainer.train(corpus)).isEqualTo(trainer.train(corpus));
    }

    @Test
    @DisplayName("the order of the documents does not change the model")
    void documentOrderIsIrrelevant() {
        List<String> shuffled = new ArrayList<>(TokenizerFixtures.lines("corpus-train.txt"));
        Collections.shuffle(shuffled, new Random(7));
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(TokenizerFixtures.VOCAB_SIZE))
                .train(shuffled.stream());
        assertThat(model).isEqualTo(TokenizerFixtures.trained());
    }

    @Test
    @DisplayName("training stops early when no pair reaches the minimum frequency")
    void minFrequencyStopsTraining() {
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(BASE + 100).withMinFrequency(6))
                .train(hugCorpus());
        assertThat(mergeStrings(model)).containsExactly("u g", "u n", "h ug", "p un");
        assertThat(model.vocabSize()).isEqualTo(BASE + 4);
    }

    @Test
    @DisplayName("no merge spells a special token, even one that NFKC builds from other characters")
    void specialTokensAreNeverMerged() {
        // Fullwidth ＃ normalises to #: the special "##" is not matched in the raw text, yet its bytes reach BPE.
        BpeModel model = new BpeTrainer(new BpeTrainer.Options(BASE + 2, 1, List.of("<pad>", "##", "</s>")))
                .train(Stream.of("\uFF03\uFF03 \uFF03\uFF03 \uFF03\uFF03", "ab ab"));
        assertThat(mergeStrings(model)).containsExactly("\u0120 #", "\u0120# #");
        assertThat(model.tokens().subList(3, model.vocabSize())).doesNotContain("##");
    }

    @Test
    @DisplayName("special-token literals in training text are cut out, as the tokenizer cuts them at inference")
    void specialLiteralsAreNotTrainedOn() {
        BpeModel model = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(BASE + 10).withMinFrequency(1))
                .train(List.of("<pad><pad><pad><pad>", "</s></s></s>"));
        assertThat(model.merges()).isEmpty();
    }

    @Test
    @DisplayName("options that cannot give a valid vocabulary are refused with the reason")
    void invalidOptions() {
        assertThatThrownBy(() -> BpeTrainer.Options.defaults().withVocabSize(100))
                .hasMessageContaining("vocabulary size 100 is below 259");
        assertThatThrownBy(() -> BpeTrainer.Options.defaults().withMinFrequency(0))
                .hasMessageContaining("minimum pair frequency 0");
        assertThatThrownBy(() -> BpeTrainer.Options.defaults().withSpecialTokens(List.of("<s>", "<s>")))
                .hasMessageContaining("repeat");
        assertThatThrownBy(() -> BpeTrainer.Options.defaults().withSpecialTokens(List.of("!")))
                .hasMessageContaining("collide with a byte symbol");
    }
}
