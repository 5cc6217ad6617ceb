package org.pmpdrepro.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.IgnoredPropertyException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * JSON artefacts bound to records: what a file may hold is the record's shape, and anything else is refused with the
 * JSON path of the offending value ({@code weights.bytes}, {@code cells[2].task}). Refused: a field the record
 * does not have, one it has that is missing or null, a null inside an array or map, a repeated key, a value of
 * another type (no string for a number, no number for a string, no fraction for an integer), and anything after the
 * document. Two annotations relax this per field, on boxed types only: {@link MayBeAbsent} (absent or null binds
 * null, for a field with a default) and {@link MayBeNull} (present, but null is a value: JSON has no NaN). Written
 * files are indented in Jackson's default style, fields in the record's order.
 */
public final class JsonBinding {

    private static final JsonMapper MAPPER = mapper();

    private JsonBinding() {}

    /**
     * A field that may be left out (or be null): it binds null and the record supplies the default. Only on boxed
     * or reference types.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
    public @interface MayBeAbsent {}

    /** A field that must be present but may be null (a number that is not finite is written as null). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
    public @interface MayBeNull {}

    /** Every creator property is required and refuses null, but for the two annotations. */
    private static final class Strictness extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasRequiredMarker(AnnotatedMember m) {
            return !m.hasAnnotation(MayBeAbsent.class);
        }

        @Override
        public JsonSetter.Value findSetterInfo(Annotated a) {
            if (a.hasAnnotation(MayBeAbsent.class) || a.hasAnnotation(MayBeNull.class)) {
                return JsonSetter.Value.forValueNulls(Nulls.SET, Nulls.FAIL);
            }
            return super.findSetterInfo(a);
        }
    }

    private static JsonMapper mapper() {
        JsonMapper m = Json.builder()
                .annotationIntrospector(new Strictness())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .defaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL, Nulls.FAIL))
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
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new Refused("$", "null; expected " + kind(type), null);
            }
            return value;
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException range && range.getTargetType() != null) {
                String found = found(json, e);
                Class<?> t = range.getTargetType();
                String width = t == int.class || t == Integer.class ? "an int" : t == long.class || t == Long.class
                        ? "a long" : "a " + t.getSimpleName();
                throw new Refused(path(e), (found == null ? "" : found + ": ") + "out of range; expected "
                        + kind(t) + " that fits in " + width, e);
            }
            if (e.getCause() instanceof StreamReadException bad) {
                throw new Refused("$", "not valid JSON: " + bad.getOriginalMessage() + Json.where(bad.getLocation()),
                        e);
            }
            throw new Refused(path(e), problem(json, e), e);
        } catch (JsonProcessingException e) {
            throw new Refused("$", "not valid JSON: " + e.getOriginalMessage() + Json.where(e.getLocation()), e);
        }
    }

    /**
     * {@code file} (UTF-8) as a {@code type}: the {@link IOException} of a file that does not fit names it, then the
     * JSON path and the problem ({@code policies.json: policies[0].bits: missing; expected an object}); a missing or
     * unreadable file is the I/O error as it is.
     */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return parse(Utf8.read(file), type);
        } catch (Refused | Utf8.MalformedException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** A number for a {@link MayBeNull} field: null when it is not finite (JSON has no NaN). */
    public static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** A {@link MayBeNull} number read back: NaN for null. */
    public static double nanIfNull(Double value) {
        return value == null ? Double.NaN : value;
    }

    /** {@code value} as indented JSON, ending with a newline. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code value} as JSON on one line, without the newline: a record of a JSON Lines file. */
    public static String writeLine(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
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

    private static String problem(String json, JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field; expected one of " + u.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted().toList();
        }
        if (e instanceof IgnoredPropertyException) {
            return "field not allowed here";
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null) {
            String found = found(json, e);
            return (found == null ? String.valueOf(f.getValue()) : found) + ": expected " + kind(f.getTargetType());
        }
        String msg = String.valueOf(e.getOriginalMessage());
        if (msg.startsWith("Trailing token")) {
            return "more after the document (only one JSON value is allowed)";
        }
        if (msg.startsWith("Missing required creator property") || msg.startsWith("Missing creator property")) {
            Class<?> type = componentType(e);
            return type == null ? "missing" : "missing; expected " + kind(type);
        }
        if (e instanceof InvalidNullException || msg.startsWith("Cannot map `null`")) {
            Class<?> type = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? m.getTargetType() : componentType(e);
            return type == null ? "null" : "null; expected " + kind(type);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String found = found(json, e);
            return (found == null ? "" : found + ": ") + "expected " + kind(m.getTargetType());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !(cause instanceof JsonProcessingException)) {
            return cause.getMessage();
        }
        return firstLine(e.getOriginalMessage());
    }

    /** The type of the record component the exception's path ends at, or null when it is not one. */
    private static Class<?> componentType(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return null;
        }
        JsonMappingException.Reference last = e.getPath().get(e.getPath().size() - 1);
        Object from = last.getFrom();
        Class<?> owner = from instanceof Class<?> c ? c : from == null ? null : from.getClass();
        if (owner == null || !owner.isRecord() || last.getFieldName() == null) {
            return null;
        }
        for (RecordComponent rc : owner.getRecordComponents()) {
            // @JsonProperty cannot target a record component: Java copies it to the accessor.
            JsonProperty named = rc.getAccessor().getAnnotation(JsonProperty.class);
            String name = named != null && !named.value().isEmpty() ? named.value() : rc.getName();
            if (name.equals(last.getFieldName())) {
                return rc.getType();
            }
        }
        return null;
    }

    /** The JSON text of the value at the exception's path in {@code json} ({@code "yes"}, {@code 2.5}), or null. */
    private static String found(String json, JsonMappingException e) {
        try {
            JsonNode node = MAPPER.readTree(json);
            for (JsonMappingException.Reference r : e.getPath()) {
                node = node == null ? null : r.getFieldName() != null ? node.get(r.getFieldName())
                        : node.get(r.getIndex());
            }
            return node == null || node.isContainerNode() ? null : node.toString();
        } catch (JsonProcessingException x) {
            return null;
        }
    }

    /** What JSON a Java type is read from: {@code a string}, {@code an integer}, {@code an object}, ... */
    private static String kind(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == float.class || type == double.class || type == Float.class || type == Double.class) {
            return "a number";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "an integer";
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
