package org.pmpdrepro.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place the project builds Jackson mappers, so that every JSON file it reads refuses a repeated key
 * ({@code {"num_hidden_layers": 2, "num_hidden_layers": 40}}) instead of keeping the last value silently: the error
 * names the key, and each reader adds the file.
 */
public final class Json {

    private static final ObjectMapper READER = mapper();

    private Json() {}

    /** A fresh mapper (callers may configure it further) with strict duplicate detection. */
    public static ObjectMapper mapper() {
        return builder().build();
    }

    /** The builder of {@link #mapper()}, for a mapper configured further before it is built ({@link JsonBinding}). */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * The JSON document in {@code file}; bytes that are not UTF-8 and malformed JSON are an {@link IOException} naming
     * the file, line and column.
     */
    public static JsonNode read(Path file) throws IOException {
        String text;
        try {
            text = Utf8.read(file);
        } catch (Utf8.MalformedException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        try {
            return READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage() + where(e.getLocation()), e);
        }
    }

    /** One line of a JSON Lines file; malformed JSON is an {@link IOException} naming the file and line. */
    public static JsonNode readLine(String line, Path file, long lineNo) throws IOException {
        try {
            return READER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ":" + lineNo + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String where(JsonLocation at) {
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
