package org.pmpdrepro.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TokenCorpusTest {

    private static final int BOS = 1;
    private static final int EOS = 2;

    /** One token per character (code point + 10), so documents are easy to find in the token stream. */
    private static final Function<List<String>, List<int[]>> CHARS =
            texts -> texts.stream().map(t -> t.chars().map(c -> c + 10).toArray()).toList();

    private static Path corpus(Path dir, String... texts) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add("{\"text\":\"" + t.replace("\n", "\\n") + "\"}");
        }
        Path file = dir.resolve("train.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> documents(TokenCorpus c) {
        List<String> out = new ArrayList<>();
        StringBuilder doc = null;
        for (int t : c.tokensForTest()) {
            if (t == BOS) {
                doc = new StringBuilder();
            } else if (t == EOS) {
                out.add(doc.toString());
            } else {
                doc.appendCodePoint(t - 10);
            }
        }
        return out;
    }

    @Test
    void oversamplingRepeatsOnlyTheMatchingDocumentsAndKeepsTheOriginalOrderFirst(@TempDir Path dir)
            throws Exception {
        Path file = corpus(dir, "a\nFrench: x", "b plain", "c\nFrench: y", "d plain");
        TokenCorpus plain = TokenCorpus.load(file, CHARS, BOS, EOS, dir.resolve("tokens"));
        TokenCorpus heavy = plain.oversample(file, "\nFrench: ", 3, 7, BOS);

        List<String> docs = documents(heavy);
        assertThat(docs).hasSize(4 + 2 * 2);
        assertThat(docs.subList(0, 4)).containsExactly("a\nFrench: x", "b plain", "c\nFrench: y", "d plain");
        assertThat(docs.subList(4, 8)).containsExactlyInAnyOrder("a\nFrench: x", "a\nFrench: x", "c\nFrench: y",
                "c\nFrench: y");
        assertThat(heavy.documents()).isEqualTo(8);
        assertThat(documents(plain.oversample(file, "\nFrench: ", 3, 7, BOS))).isEqualTo(docs);
        assertThat(documents(plain.oversample(file, "\nFrench: ", 1, 7, BOS))).isEqualTo(documents(plain));
    }

    @Test
    void oversamplingWorksFromTheTokenCacheToo(@TempDir Path dir) throws Exception {
        Path file = corpus(dir, "a\nFrench: x", "b plain");
        TokenCorpus first = TokenCorpus.load(file, CHARS, BOS, EOS, dir.resolve("tokens"));
        TokenCorpus cached = TokenCorpus.load(file, texts -> {
            throw new AssertionError("the cache should have served the tokens");
        }, BOS, EOS, dir.resolve("tokens"));
        assertThat(documents(cached.oversample(file, "French", 2, 1, BOS)))
                .isEqualTo(documents(first.oversample(file, "French", 2, 1, BOS)));
    }

    @Test
    void aFileThatDoesNotMatchTheTokensIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path file = corpus(dir, "a", "b");
        TokenCorpus c = TokenCorpus.load(file, CHARS, BOS, EOS, dir.resolve("tokens"));
        Path sub = Files.createDirectories(dir.resolve("other"));
        Path other = corpus(sub, "a");
        assertThatThrownBy(() -> c.oversample(other, "a", 2, 1, BOS)).hasMessageContaining(other.toString())
                .hasMessageContaining("1 documents but 2");
        assertThatThrownBy(() -> c.oversample(file, "a", 0, 1, BOS)).hasMessageContaining("factor of at least 1");
    }
}
