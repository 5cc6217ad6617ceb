package org.pmpdrepro.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Text corpora in JSON Lines, one document per line as {@code {"text": ...}} (the calibration text also names each
 * document by {@code "id"}): the one reader of such lines, for calibration, fine-tuning, HAQ's search, the learned
 * scheduler's prompts and tokenizer and model training. Other fields are allowed (a corpus may carry its own
 * metadata) and repeated keys are not ({@link Json}); a line that is not a JSON object with a string {@code text}
 * is an {@link IOException} naming the file and the line. An {@code id} that is not a string is kept as its JSON
 * text.
 */
public final class TextDocuments {

    /** One document: its text, and its id where the line names one (null otherwise). */
    public record Document(String id, String text) {}

    private TextDocuments() {}

    /** Line {@code lineNo} (1-based) of {@code file}. */
    public static Document parse(String line, Path file, long lineNo) throws IOException {
        JsonNode node = Json.readLine(line, file, lineNo);
        if (node == null || !node.isObject()) {
            throw new IOException(file + ":" + lineNo + ": not a JSON object; expected {\"text\": ...}");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            throw new IOException(file + ":" + lineNo + ": field 'text' is " + (text == null ? "missing" : text)
                    + "; expected a string");
        }
        JsonNode id = node.get("id");
        return new Document(id == null || id.isNull() ? null : id.isTextual() ? id.textValue() : id.toString(),
                text.textValue());
    }
}
