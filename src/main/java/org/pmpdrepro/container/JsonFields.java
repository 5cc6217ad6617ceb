package org.pmpdrepro.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Typed, strict access to the fields of one JSON object of a job's files, with errors naming file and path. */
final class JsonFields {

    private final String source;
    private final String prefix;
    private final JsonNode node;

    JsonFields(String source, String prefix, JsonNode node, Set<String> allowed) {
        this.source = source;
        this.prefix = prefix;
        this.node = node;
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new JobSpecException(source, prefix + name, "unknown field; expected one of "
                        + new TreeSet<>(allowed));
            }
        }
    }

    JsonNode required(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new JobSpecException(source, prefix + name, "missing");
        }
        return value;
    }

    /** A string field; {@code fallback} when absent, or an error when {@code fallback} is null. */
    String string(String name, String fallback) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new JobSpecException(source, prefix + name, "missing; expected a string");
            }
            return fallback;
        }
        if (!value.isTextual()) {
            throw new JobSpecException(source, prefix + name, value + ": expected a string");
        }
        return value.textValue();
    }

    /** A required string that must be a portable name (it becomes part of a directory name). */
    String name(String name) {
        String value = string(name, null);
        if (!JobCell.NAME.matcher(value).matches()) {
            throw new JobSpecException(source, prefix + name, "'" + value + "': expected 1-64 characters of"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** A string field turned into a value by {@code parser}, whose IllegalArgumentException says what is expected. */
    <T> T parsed(String name, String fallback, Function<String, T> parser) {
        String text = string(name, fallback);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new JobSpecException(source, prefix + name, e.getMessage());
        }
    }

    /** A required integer. */
    int requiredInteger(String name) {
        JsonNode value = required(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new JobSpecException(source, prefix + name, value + ": expected an integer");
        }
        return value.intValue();
    }

    /** A required integer that may exceed {@code int}. */
    long requiredLong(String name) {
        JsonNode value = required(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new JobSpecException(source, prefix + name, value + ": expected an integer");
        }
        return value.longValue();
    }

    /** A required number; JSON has no NaN, so {@code null} stands for it. */
    double number(String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new JobSpecException(source, prefix + name, "missing; expected a number or null");
        }
        if (value.isNull()) {
            return Double.NaN;
        }
        if (!value.isNumber()) {
            throw new JobSpecException(source, prefix + name, value + ": expected a number or null");
        }
        return value.doubleValue();
    }

    /** A required boolean. */
    boolean flag(String name) {
        JsonNode value = required(name);
        if (!value.isBoolean()) {
            throw new JobSpecException(source, prefix + name, value + ": expected true or false");
        }
        return value.booleanValue();
    }

    int integer(String name, int fallback) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new JobSpecException(source, prefix + name, value + ": expected an integer");
        }
        return value.intValue();
    }
}
