package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class TaskFixturesTest {

    private static final TaskExample EXAMPLE = new TaskExample("debsum/curl/f83293d1", Task.DEBSUM,
            ExampleKind.DESCRIPTION, Split.TEST, "curl", "f83293d10df083ae6f7bb7d01642913c", "curl transfers data.",
            "Package: curl\nDescription: curl transfers data.\nSynopsis:", "command line tool for transferring data");

    @TempDir
    Path dir;

    private Path write(String... lines) throws IOException {
        Path file = TaskFixtures.file(dir, Task.DEBSUM, Split.TEST);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    @DisplayName("a written example loads back equal, with its keys in the fixed order")
    void roundTrip() throws IOException {
        String line = ExampleJson.toJson(EXAMPLE);
        assertThat(line).startsWith("{\"id\":\"debsum/curl/f83293d1\",\"task\":\"debsum\",\"kind\":\"description\","
                + "\"split\":\"test\",\"package\":\"curl\",\"descriptionMd5\":");
        write(line);
        assertThat(TaskFixtures.load(dir, Task.DEBSUM, Split.TEST)).containsExactly(EXAMPLE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON | {\"id\": | not valid JSON",
        "an array | [1,2] | expected an object (an example line is a JSON object of the strings [id, task,",
        "a missing field | {\"id\":\"x\"} | field 'task': missing; expected a string",
        "a number for text | @ID@\"task\":3} | field 'task': 3: expected a string",
        "a repeated key | @ID@\"id\":\"z\"} | Duplicate field 'id'",
        "an unknown key | @GOOD@\"tags\":\"z\"} | field 'tags': unknown field; expected one of [",
    })
    @DisplayName("malformed lines are reported with file, line and field")
    void malformedLines(String what, String bad, String message) throws IOException {
        String good = ExampleJson.toJson(EXAMPLE);
        // @GOOD@: the good line, open for one more field.
        String line = bad.replace("@ID@", "{\"id\":\"y\",").replace("@GOOD@", good.substring(0, good.length() - 1)
                + ",");
        Path file = write(good, line);
        assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBSUM, Split.TEST))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageContaining(message);
    }

    @Test
    @DisplayName("a record of another task, another split, an unknown kind or a repeated id is rejected")
    void wrongContent() throws IOException {
        String good = ExampleJson.toJson(EXAMPLE);
        for (var c : List.of(
                List.of(good.replace("\"task\":\"debsum\"", "\"task\":\"debchat\""), "field 'kind' is 'description'"),
                List.of(good.replace("\"split\":\"test\"", "\"split\":\"calibration\""),
                        "field 'split' is 'calibration', expected 'test'"),
                List.of(good.replace("\"kind\":\"description\"", "\"kind\":\"poem\""), "unknown kind 'poem'"),
                List.of(good.replace("\"package\":\"curl\"", "\"package\":\"wget\""), "field 'prompt' does not start"),
                List.of(good, "field 'id' repeats 'debsum/curl/f83293d1'"))) {
            Path file = write(good, c.get(0));
            assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBSUM, Split.TEST))
                    .as(c.get(1))
                    .isInstanceOf(InputFormatException.class)
                    .hasMessageStartingWith(file + ":2: ")
                    .hasMessageContaining(c.get(1));
        }
    }

    @Test
    @DisplayName("the train split is not a committed fixture and says where it lives")
    void trainIsNotCommitted() {
        assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBSUM, Split.TRAIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--train-out");
    }

    @Test
    @DisplayName("a missing fixture file or manifest names the path and the command that builds it")
    void missingFiles() {
        assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBCHAT, Split.CALIBRATION))
                .hasMessageContaining("debchat")
                .hasMessageContaining("pmpd build-fixtures");
        assertThatThrownBy(() -> TaskFixtures.manifest(dir)).hasMessageContaining("manifest.json");
    }

    @Test
    @DisplayName("a file that is not UTF-8 is refused naming the line and byte offset of the first bad byte")
    void notUtf8() throws IOException {
        // Found by TaskFixturesFuzzTest: the streaming decoder's MalformedInputException escaped as an
        // UncheckedIOException ("cannot read ...").
        String good = ExampleJson.toJson(EXAMPLE);
        Path file = write(good, good.replace("curl transfers", "curl\u00e9transfers"));
        byte[] latin1 = Files.readString(file).getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, latin1);
        int offset = good.length() + 1 + good.indexOf("curl transfers") + 4;
        assertThatThrownBy(() -> TaskFixtures.load(dir, Task.DEBSUM, Split.TEST))
                .isInstanceOf(InputFormatException.class)
                .hasMessage(file + ":2: not valid UTF-8 at byte offset " + offset + " (line 2): byte 0xE9; re-encode"
                        + " the file as UTF-8");
    }
}
