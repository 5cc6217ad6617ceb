package org.pmpdrepro.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.IgnoredPropertyException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.stream.Collectors;

/**
 * JSON artefacts bound to records: what a file may hold is the record's shape, and anything else is refused with the
 * JSON path of the offending value ({@code weights.bytes}, {@code cells[2].task}). Refused: a property the record
 * does not have, one it has that is missing or null, a repeated key, a value of another type (no string for a number,
 * no number for a string, no fraction for an integer), and anything after the document. Written files are indented
 * in Jackson's default style, properties in the record's order.
 */
public final class JsonBinding {

    private static final JsonMapper MAPPER = mapper();

    private JsonBinding() {}

    private static JsonMapper mapper() {
        JsonMapper m = Json.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
            LogicalType.Boolean}) {
            for (CoercionInputShape shape : CoercionInputShape.values()) {
                if (!matches(type, shape)) {
                    m.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return m;
    }

    /** Whether JSON of {@code shape} is the natural form of {@code type} (an integer may stand for a float). */
    private static boolean matches(LogicalType type, CoercionInputShape shape) {
        return switch (type) {
            case Textual -> shape == CoercionInputShape.String;
            case Integer -> shape == CoercionInputShape.Integer;
            case Float -> shape == CoercionInputShape.Float || shape == CoercionInputShape.Integer;
            case Boolean -> false;
            default -> true;
        };
    }

    /**
     * {@code json} as a {@code type}.
     *
     * @throws Refused naming the JSON path of what does not fit and what was expected there
     */
    public static <T> T parse(String json, Class<T> type) throws Refused {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonMappingException e) {
            throw new Refused(path(e), problem(e), e);
        } catch (JsonProcessingException e) {
            throw new Refused("$", "not valid JSON: " + e.getOriginalMessage() + Json.where(e.getLocation()), e);
        }
    }

    /** {@code value} as indented JSON, ending with a newline. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code a.b[2].c}, or {@code $} for the document itself. */
    static String path(JsonMappingException e) {
        String p = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                : "[" + r.getIndex() + "]").collect(Collectors.joining());
        return p.isEmpty() ? "$" : p.startsWith(".") ? p.substring(1) : p;
    }

    private static String problem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown property; expected one of " + u.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted().toList();
        }
        if (e instanceof IgnoredPropertyException) {
            return "property not allowed here";
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null) {
            return "value " + f.getValue() + ": expected " + kind(f.getTargetType());
        }
        if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            return "more after the document (only one JSON value is allowed)";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String msg = String.valueOf(e.getOriginalMessage());
            if (msg.startsWith("Missing creator property") || msg.startsWith("Missing required creator property")) {
                return "missing";
            }
            if (msg.startsWith("Null value for creator property") || msg.startsWith("Cannot map `null`")) {
                return "null; expected " + kind(m.getTargetType());
            }
            return "expected " + kind(m.getTargetType());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !(cause instanceof JsonProcessingException)) {
            return cause.getMessage();
        }
        return firstLine(e.getOriginalMessage());
    }

    /** What JSON a Java type is read from: {@code a string}, {@code a number (long)}, {@code an object}, ... */
    private static String kind(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number (" + type.getSimpleName() + ")";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return java.util.Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "a " + type.getSimpleName();
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    /** A document that does not fit its record, with the JSON path of the first value that does not. */
    public static final class Refused extends Exception {
        private final String path;
        private final String problem;

        Refused(String path, String problem, Throwable cause) {
            super(path + ": " + problem, cause);
            this.path = path;
            this.problem = problem;
        }

        /** Where in the document: {@code weights.bytes}, {@code cells[2].task}, {@code $}. */
        public String path() {
            return path;
        }

        public String problem() {
            return problem;
        }
    }
}
