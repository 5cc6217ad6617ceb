package org.pmpdrepro.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TextCorpusTest {

    private static List<String> all(TextCorpus corpus) {
        List<String> out = new ArrayList<>();
        corpus.forEach(out::add);
        return out;
    }

    @Test
    @DisplayName("plain text gives one document per non-blank line, jsonl the 'text' field, files in order")
    void readsBothFormats(@TempDir Path dir) throws IOException {
        Path txt = Files.writeString(dir.resolve("a.txt"), "first line\n\n  \nsecond line\n");
        Path jsonl = Files.writeString(dir.resolve("b.jsonl"),
                "{\"text\": \"from json\\nwith newline\", \"id\": 3}\n\n{\"text\": \"été\"}\n");
        TextCorpus corpus = new TextCorpus(List.of(txt, jsonl));
        assertThat(all(corpus)).containsExactly("first line", "second line", "from json\nwith newline", "été");
        assertThat(all(corpus)).as("a second pass reads the files again").hasSize(4);
    }

    @Test
    @DisplayName("a jsonl line without a string 'text' field is an error naming file and line")
    void missingTextField(@TempDir Path dir) throws IOException {
        Path jsonl = Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"ok\"}\n{\"body\": \"no\"}\n");
        assertThatThrownBy(() -> all(new TextCorpus(List.of(jsonl))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("c.jsonl:2")
                .hasMessageContaining("field 'text' is missing");
    }

    @Test
    @DisplayName("a jsonl line that is not JSON is an error naming file and line")
    void malformedJson(@TempDir Path dir) throws IOException {
        Path jsonl = Files.writeString(dir.resolve("d.jsonl"), "{\"text\": \"ok\"}\n{oops\n");
        assertThatThrownBy(() -> all(new TextCorpus(List.of(jsonl))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("d.jsonl:2")
                .hasMessageContaining("not valid JSON");
    }
}
