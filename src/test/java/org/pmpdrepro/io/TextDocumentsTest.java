package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one reader of text-corpus lines: text required, id optional, errors name file and line. */
@Tag("unit")
class TextDocumentsTest {

    static final Path FILE = Path.of("corpus.jsonl");

    @Test
    void aLineGivesItsTextAndIdWhereItHasOne() throws IOException {
        assertThat(TextDocuments.parse("{\"id\": \"doc/a\", \"text\": \"x\\ny\"}", FILE, 1))
                .isEqualTo(new TextDocuments.Document("doc/a", "x\ny"));
        assertThat(TextDocuments.parse("{\"text\": \"t\", \"source\": \"s\"}", FILE, 2))
                .isEqualTo(new TextDocuments.Document(null, "t"));
        assertThat(TextDocuments.parse("{\"text\": \"t\", \"id\": 3}", FILE, 3).id()).isEqualTo("3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "{\"body\": \"b\"}                  | corpus.jsonl:7: field 'text' is missing; expected a string",
        "{\"text\": 3}                      | corpus.jsonl:7: field 'text' is 3; expected a string",
        "[\"text\"]                         | corpus.jsonl:7: not a JSON object",
        "{\"text\": \"a\", \"text\": \"b\"} | corpus.jsonl:7: not valid JSON: Duplicate field 'text'",
        "{oops                              | corpus.jsonl:7: not valid JSON",
    })
    void aLineThatIsNotADocumentIsRefusedNamingFileAndLine(String line, String message) {
        assertThatThrownBy(() -> TextDocuments.parse(line, FILE, 7)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(message);
    }
}
