package org.pmpdrepro.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.Json;

/** One-line JSON forms of fixture records, keys always in the same order (diff-friendly). */
public final class ExampleJson {

    /** Keys of an example line, in the order they are written. */
    public static final List<String> EXAMPLE_KEYS =
            List.of("id", "task", "kind", "split", "package", "descriptionMd5", "source", "prompt", "reference");

    private static final ObjectMapper MAPPER = Json.mapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private ExampleJson() {}

    public static String toJson(TaskExample e) {
        return object(
                "id", e.id(),
                "task", e.task().id(),
                "kind", e.kind().id(),
                "split", e.split().id(),
                "package", e.packageName(),
                "descriptionMd5", e.descriptionMd5(),
                "source", e.source(),
                "prompt", e.prompt(),
                "reference", e.reference());
    }

    /** A JSON object of string values from alternating keys and values, in the given order. */
    public static String object(String... keysAndValues) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                g.writeStringField(keysAndValues[i], keysAndValues[i + 1]);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("JSON to a string cannot fail", e);
        }
        return out.toString();
    }

    /**
     * Parses an example line, checking every field.
     *
     * @throws InputFormatException naming {@code source}:{@code lineNo}, the field and the expected form
     */
    public static TaskExample parse(String line, String source, long lineNo) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InputFormatException(source, lineNo, "not a JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InputFormatException(source, lineNo, "expected a JSON object with keys " + EXAMPLE_KEYS);
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!EXAMPLE_KEYS.contains(field.getKey())) {
                throw new InputFormatException(source, lineNo,
                        "unexpected field '" + field.getKey() + "', expected only " + EXAMPLE_KEYS);
            }
        }
        String[] v = new String[EXAMPLE_KEYS.size()];
        for (int i = 0; i < v.length; i++) {
            String key = EXAMPLE_KEYS.get(i);
            JsonNode f = node.get(key);
            if (f == null || !f.isTextual()) {
                throw new InputFormatException(source, lineNo, "field '" + key + "' "
                        + (f == null ? "is missing" : "is " + f.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                        + ", expected a string");
            }
            v[i] = f.textValue();
        }
        Task task = parseEnum(source, lineNo, "task", v[1], Task::fromId);
        ExampleKind kind = parseEnum(source, lineNo, "kind", v[2], ExampleKind::fromId);
        Split split = parseEnum(source, lineNo, "split", v[3], Split::fromId);
        if (kind.task() != task) {
            throw new InputFormatException(source, lineNo,
                    "field 'kind' is '" + kind.id() + "', which is not a kind of task '" + task.id() + "'");
        }
        for (int i : new int[] {0, 4, 6, 7, 8}) {
            if (v[i].isEmpty()) {
                throw new InputFormatException(source, lineNo,
                        "field '" + EXAMPLE_KEYS.get(i) + "' is empty, expected non-empty text");
            }
        }
        if (!v[7].startsWith("Package: " + v[4] + "\n")) {
            throw new InputFormatException(source, lineNo,
                    "field 'prompt' does not start with 'Package: " + v[4] + "\\n' as every template does");
        }
        return new TaskExample(v[0], task, kind, split, v[4], v[5], v[6], v[7], v[8]);
    }

    private static <T> T parseEnum(
            String source, long lineNo, String field, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InputFormatException(source, lineNo, "field '" + field + "': " + e.getMessage());
        }
    }
}
