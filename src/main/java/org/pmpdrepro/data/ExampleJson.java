package org.pmpdrepro.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.io.JsonBinding;

/**
 * One-line JSON forms of fixture records, bound to records (keys always in the same order, diff-friendly): task
 * examples, calibration-text documents and training-corpus texts.
 */
public final class ExampleJson {

    /** Keys of an example line, in the order they are written. */
    public static final List<String> EXAMPLE_KEYS =
            List.of("id", "task", "kind", "split", "package", "descriptionMd5", "source", "prompt", "reference");

    private ExampleJson() {}

    /**
     * An example line as bound: every field a string, present once, nothing else (an unknown or repeated key, a
     * missing field or another type is refused, naming the field).
     */
    @JsonPropertyOrder({"id", "task", "kind", "split", "package", "descriptionMd5", "source", "prompt", "reference"})
    record Line(String id, String task, String kind, String split, @JsonProperty("package") String packageName,
            String descriptionMd5, String source, String prompt, String reference) {}

    public static String toJson(TaskExample e) {
        return JsonBinding.writeLine(new Line(e.id(), e.task().id(), e.kind().id(), e.split().id(), e.packageName(),
                e.descriptionMd5(), e.source(), e.prompt(), e.reference()));
    }

    /** A line of the calibration text: a document and its id ({@code doc/<package>/<md5 prefix>}). */
    @JsonPropertyOrder({"id", "text"})
    public record Document(String id, String text) {}

    /** A line of the training corpus: only the text. */
    public record Text(String text) {}

    /** {@code line} as one line of JSON ({@link JsonBinding#writeLine}). */
    public static String line(Object line) {
        return JsonBinding.writeLine(line);
    }

    /**
     * Parses an example line, checking every field.
     *
     * @throws InputFormatException naming {@code source}:{@code lineNo}, the field and the expected form
     */
    public static TaskExample parse(String line, String source, long lineNo) {
        Line l;
        try {
            l = JsonBinding.parse(line, Line.class);
        } catch (JsonBinding.Refused e) {
            String where = e.path().equals("$") ? "" : "field '" + e.path() + "': ";
            throw new InputFormatException(source, lineNo, where + e.problem() + " (an example line is a JSON object"
                    + " of the strings " + EXAMPLE_KEYS + ")");
        }
        Task task = parseEnum(source, lineNo, "task", l.task(), Task::fromId);
        ExampleKind kind = parseEnum(source, lineNo, "kind", l.kind(), ExampleKind::fromId);
        Split split = parseEnum(source, lineNo, "split", l.split(), Split::fromId);
        if (kind.task() != task) {
            throw new InputFormatException(source, lineNo,
                    "field 'kind' is '" + kind.id() + "', which is not a kind of task '" + task.id() + "'");
        }
        Map<String, String> nonEmpty = new LinkedHashMap<>();
        nonEmpty.put("id", l.id());
        nonEmpty.put("package", l.packageName());
        nonEmpty.put("source", l.source());
        nonEmpty.put("prompt", l.prompt());
        nonEmpty.put("reference", l.reference());
        for (Map.Entry<String, String> f : nonEmpty.entrySet()) {
            if (f.getValue().isEmpty()) {
                throw new InputFormatException(source, lineNo,
                        "field '" + f.getKey() + "' is empty, expected non-empty text");
            }
        }
        if (!l.prompt().startsWith("Package: " + l.packageName() + "\n")) {
            throw new InputFormatException(source, lineNo,
                    "field 'prompt' does not start with 'Package: " + l.packageName() + "\\n' as every template does");
        }
        return new TaskExample(l.id(), task, kind, split, l.packageName(), l.descriptionMd5(), l.source(), l.prompt(),
                l.reference());
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
