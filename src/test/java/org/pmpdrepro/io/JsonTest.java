package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class JsonTest {

    /** Ways to make a Jackson mapper or parser factory without going through {@link Json}. */
    private static final Pattern OWN_MAPPER =
            Pattern.compile("new (ObjectMapper|JsonMapper|JsonFactory|MappingJsonFactory)\\(|JsonMapper\\.builder\\(");

    @Test
    @DisplayName("the project's mapper refuses a repeated key, naming it")
    void repeatedKeyRefused() {
        assertThatThrownBy(() -> Json.mapper().readTree("{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}"))
                .isInstanceOf(JsonProcessingException.class).hasMessageContaining("Duplicate field 'c'");
    }

    @Test
    @DisplayName("a file or JSON Lines line with a repeated key is refused naming the file, the line and the key")
    void filesNamedInErrors(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("state.json"), "{\n  \"step\": 1,\n  \"step\": 2\n}\n");
        assertThatThrownBy(() -> Json.read(file)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": not valid JSON: Duplicate field 'step'").hasMessageContaining("line 3");
        assertThatThrownBy(() -> Json.readLine("{\"text\": \"a\", \"text\": \"b\"}", file, 7))
                .hasMessageStartingWith(file + ":7: not valid JSON: Duplicate field 'text'");
    }

    @Test
    @DisplayName("no main source builds a JSON mapper of its own, so every JSON the project reads is strict")
    void everyMapperComesFromJson() throws IOException {
        Path main = Path.of("src", "main", "java");
        Path json = main.resolve(Path.of("org", "pmpdrepro", "io", "Json.java"));
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java") && !f.equals(json)).filter(f -> {
                try {
                    return OWN_MAPPER.matcher(Files.readString(f)).find();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertThat(offenders).as("build mappers with org.pmpdrepro.io.Json.mapper()").isEmpty();
    }

    @Test
    @DisplayName("a JSON file that is not UTF-8 is refused naming the file and the byte, not as 'Input length = 1'")
    void bytesThatAreNotUtf8(@TempDir Path dir) throws IOException {
        // Found by TokenizerJsonFuzzTest#ggufExport, whose tokenizer.json GgufWriter reads with Json.read.
        Path file = Files.write(dir.resolve("tokenizer.json"), new byte[] {'{', '\n', '"', (byte) 0xC3, '"', '}'});
        assertThatThrownBy(() -> Json.read(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": not valid UTF-8 at byte offset 3 (line 2): byte 0xC3; re-encode the file as UTF-8");
    }
}
