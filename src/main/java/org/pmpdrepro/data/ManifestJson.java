package org.pmpdrepro.data;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.io.Utf8;
import org.pmpdrepro.io.WrittenFile;

/** Reads and writes {@code manifest.json} (indented, {@code \n} line ends, stable key order). */
final class ManifestJson {

    private static final ObjectMapper MAPPER = Json.mapper();
    private static final DefaultIndenter INDENTER = new DefaultIndenter("  ", "\n");
    private static final ObjectWriter WRITER = MAPPER.writer(
            new DefaultPrettyPrinter().withObjectIndenter(INDENTER).withArrayIndenter(INDENTER));

    private ManifestJson() {}

    static WrittenFile write(Path file, FixtureManifest manifest) {
        try {
            return AtomicFiles.writeString(file, WRITER.writeValueAsString(manifest) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the manifest for " + file, e);
        }
    }

    /**
     * Reads {@code file}, bound strictly ({@link JsonBinding}): a field the manifest does not have, or one it has
     * missing or of another type, is an {@link InputFormatException} naming the file and the field by its JSON path.
     */
    static FixtureManifest read(Path file) {
        try {
            return JsonBinding.parse(Utf8.read(file), FixtureManifest.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no fixture manifest at " + file + "; build it with"
                    + " 'pmpd build-fixtures'", e);
        } catch (JsonBinding.Refused e) {
            throw new InputFormatException(file.toString(), 0, "malformed manifest: " + e.getMessage());
        } catch (Utf8.MalformedException e) {
            throw new InputFormatException(file.toString(), 0, "malformed manifest: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
