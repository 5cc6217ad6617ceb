package org.pmpdrepro.data;

import org.pmpdrepro.io.Json;
import org.pmpdrepro.io.WrittenFile;
import org.pmpdrepro.io.AtomicFiles;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes {@code manifest.json} (indented, {@code \n} line ends, stable key order). */
final class ManifestJson {

    private static final ObjectMapper MAPPER =
            Json.mapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
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

    static FixtureManifest read(Path file) {
        try {
            return MAPPER.readValue(Files.readString(file), FixtureManifest.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no fixture manifest at " + file + "; build it with"
                    + " 'pmpd build-fixtures'", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputFormatException(file.toString(),
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "malformed manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
