package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.io.JsonBinding;

/**
 * The committed schedules are fitted per back-bone: {@code <root>/<back-bone>/<file>}, and every file names the
 * back-bone it was fitted on. A lookup for one back-bone refuses a file fitted on another (a schedule searched on
 * Any-Precision says nothing about where GPTQ may switch), and a missing file names the command that fits it.
 */
public final class FittedFiles {

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

    /** A fitted file's form: every one names the back-bone it was fitted on. */
    public interface Fitted {
        String backbone();
    }

    /** A file a fit read, as recorded in its provenance: its path as given ({@code /} separated) and its SHA-256. */
    public record Input(String file, String sha256) {

        /** {@code file} as a fit records it. */
        public static Input of(Path file) {
            return new Input(file.toString().replace('\\', '/'), Hashes.sha256Hex(file));
        }
    }

    /**
     * Binds {@code file}, which must exist, to {@code type} strictly ({@link JsonBinding}: an unknown, missing or
     * mistyped field is an {@link IOException} naming the file and the field by its JSON path), and checks that it
     * names {@code backbone}.
     */
    static <T extends Fitted> T bind(Path file, Class<T> type, String what, String backbone, String fitCommand)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + what + " fitted on back-bone " + backbone + ": " + file + " is missing; fit"
                    + " it with '" + fitCommand + "' (or " + FIT_SCRIPT + " for every back-bone)");
        }
        T bound = JsonBinding.read(file, type);
        if (!bound.backbone().equals(backbone)) {
            throw new IOException(file + " was fitted on back-bone '" + bound.backbone() + "', not '" + backbone
                    + "'; each back-bone decodes with its own schedule (fit it with '" + fitCommand + "')");
        }
        return bound;
    }

    /** Fails unless the text field {@code field} of {@code file} is {@code expected}. */
    static void requireText(Path file, String field, String actual, String expected) throws IOException {
        if (!actual.equals(expected)) {
            throw new IOException(file + ": field '" + field + "' is \"" + actual + "\"; expected \"" + expected
                    + "\"");
        }
    }

    /** What every fitted file records of how it was made: the command, the model, the back-bone, the fixtures. */
    public record Provenance(String command, String modelSha256, String backboneSha256,
            String fixturesManifestSha256) {}

    /** {@code fitted} as its file holds it: indented, fields in the form's order, ending with a newline. */
    static String text(Fitted fitted) {
        try {
            return JSON.writeValueAsString(fitted) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + fitted.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Writes {@code fitted} to {@code file}, atomically, after checking that the text binds back to its form (a
     * value the reader refuses, a null where none may be, fails here naming the field, rather than leaving a file
     * its reader refuses).
     */
    static Path write(Path file, Fitted fitted) throws IOException {
        String text = text(fitted);
        try {
            JsonBinding.parse(text, fitted.getClass());
        } catch (JsonBinding.Refused e) {
            throw new IllegalArgumentException("not writing " + file + ": its reader would refuse it (" + e.getMessage()
                    + ")", e);
        }
        AtomicFiles.writeString(file, text);
        return file;
    }
}
