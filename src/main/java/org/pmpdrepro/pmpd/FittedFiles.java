package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;

/**
 * The committed schedules are fitted per back-bone: {@code <root>/<back-bone>/<file>}, and every file names the
 * back-bone it was fitted on. A lookup for one back-bone refuses a file fitted on another (a schedule searched on
 * Any-Precision says nothing about where GPTQ may switch), and a missing file names the command that fits it.
 */
final class FittedFiles {

    /** The script that fits every back-bone's schedules. */
    static final String FIT_SCRIPT = "fixtures/pmpd/fit-schedules";

    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private FittedFiles() {}

    /** The directory of {@code backbone}'s files under {@code root}. */
    static Path dir(Path root, String backbone) {
        if (!NAME.matcher(backbone).matches()) {
            throw new IllegalArgumentException("back-bone '" + backbone + "' cannot name a schedule directory;"
                    + " expected lower-case letters, digits, '.' and '-' (such as any-precision)");
        }
        return root.resolve(backbone);
    }

    /** Reads {@code file}, which must exist and name {@code backbone} in its {@code backbone} field. */
    static JsonNode read(Path file, String what, String backbone, String fitCommand) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + what + " fitted on back-bone " + backbone + ": " + file + " is missing; fit"
                    + " it with '" + fitCommand + "' (or " + FIT_SCRIPT + " for every back-bone)");
        }
        JsonNode n = Json.read(file);
        requireBackbone(file, n.get("backbone"), backbone, fitCommand);
        return n;
    }

    /** Fails unless {@code recorded} (a file's {@code backbone} field) is {@code backbone}. */
    static void requireBackbone(Path file, JsonNode recorded, String backbone, String fitCommand) throws IOException {
        if (recorded == null || !recorded.isTextual()) {
            throw new IOException(file + ": field 'backbone' is " + recorded + "; expected the name of the back-bone"
                    + " it was fitted on");
        }
        if (!recorded.asText().equals(backbone)) {
            throw new IOException(file + " was fitted on back-bone '" + recorded.asText() + "', not '" + backbone
                    + "'; each back-bone decodes with its own schedule (fit it with '" + fitCommand + "')");
        }
    }

    /** Writes {@code json} followed by {@code provenance} to {@code file}, indented, atomically. */
    static Path write(Path file, Map<String, Object> json, Map<String, Object> provenance) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(json);
        m.putAll(provenance);
        AtomicFiles.writeString(file, JSON.writeValueAsString(m) + "\n");
        return file;
    }

    /** Fails unless the text field {@code field} of {@code n} is {@code expected}. */
    static void requireText(Path file, JsonNode n, String field, String expected) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || !v.asText().equals(expected)) {
            throw new IOException(file + ": field '" + field + "' is " + v + "; expected \"" + expected + "\"");
        }
    }
}
