package org.pmpdrepro.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The test corpora and one tokenizer trained on them, shared by the tokenizer tests. */
final class TokenizerFixtures {

    static final int VOCAB_SIZE = 800;

    private static BpeModel trained;

    private TokenizerFixtures() {}

    /** The lines of a resource under {@code tokenizer/}. */
    static List<String> lines(String name) {
        try (InputStream in = TokenizerFixtures.class.getResourceAsStream("/tokenizer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource tokenizer/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resource directory {@code tokenizer/<name>} on the test class path. */
    static Path resourceDir(String name) {
        try {
            return Path.of(TokenizerFixtures.class.getResource("/tokenizer/" + name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource directory tokenizer/" + name + " is missing", e);
        }
    }

    /** The project tokenizer trained on {@code corpus-train.txt} with the default options but a small vocabulary. */
    static synchronized BpeModel trained() {
        if (trained == null) {
            trained = new BpeTrainer(BpeTrainer.Options.defaults().withVocabSize(VOCAB_SIZE))
                    .train(lines("corpus-train.txt"));
        }
        return trained;
    }

    /** Writes {@link #trained()} into {@code dir} in the Hugging Face layout and returns {@code dir}. */
    static Path written(Path dir) throws IOException {
        TokenizerJsonWriter.writeDirectory(trained(), TokenizerJsonWriter.Roles.project(), dir);
        return dir;
    }

    /** Strings that stress normalisation and pre-tokenization, none of them in the training corpus. */
    static List<String> trickyTexts() {
        return List.of(
                "Hello, world! It's a test: don't we'll they've I'M 'S",
                "Une chaîne française\u202f: « guillemets »\u00a0; été, garçon, œuvre, naïve",
                "Größenänderung der Übersicht: Äpfel, Öl, Straße",
                "emoji 🙂 👩‍👩‍👧 🇫🇷 and more🎉",
                "line one\nline two\n\n\nafter blanks\r\nwindows",
                "   leading, inner    spaces and trailing   ",
                "tabs\tand\u000bvertical\u000cfeeds",
                "x\u2028 \u2028y and a\u0085 \u0085b and \u1680ogham",
                "ﬁ ﬀ ℌ ① ½ Ⅻ ² \u3000ideographic space",
                "中文字符 テスト 한국어 العربية ٣٤٥",
                "combining e\u0301 and zero\u200bwidth\u200djoiner, \ufeffbom",
                "numbers 1234567 3.14159 -42 1e10 0x1F",
                "");
    }
}
