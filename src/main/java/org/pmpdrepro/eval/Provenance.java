package org.pmpdrepro.eval;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.pmpdrepro.data.FixtureBuilder;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.ModelIdentity;

/**
 * What results were computed from, written beside them.
 *
 * @param model the model directory's identity
 * @param fixturesDirectory the fixture directory as given
 * @param fixturesManifestSha256 SHA-256 of its {@code manifest.json}, which lists the hash of every fixture file
 *     (checked against the files on disk before it is recorded)
 */
public record Provenance(ModelIdentity model, String fixturesDirectory, String fixturesManifestSha256) {

    public Provenance {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(fixturesDirectory, "fixturesDirectory");
        Objects.requireNonNull(fixturesManifestSha256, "fixturesManifestSha256");
    }

    /** The bundle's identity and the hash of the fixture manifest in {@code fixturesDir}. */
    public static Provenance of(ModelBundle bundle, Path fixturesDir) {
        return new Provenance(bundle.identity(), fixturesDir.toString(), manifestSha256(fixturesDir));
    }

    /** The decoding back-end of this JVM as goldens record it, {@code djl-pytorch 2.7.1}. */
    public static String backend() {
        Engine engine = Engine.getInstance();
        return "djl-" + engine.getEngineName().toLowerCase(Locale.ROOT) + " " + engine.getVersion();
    }

    /**
     * SHA-256 of {@code fixturesDir/manifest.json}, once every file it lists has been found to have the hash it
     * records ({@link TaskFixtures#verify}); a missing manifest is an error naming the directory.
     *
     * @throws org.pmpdrepro.data.InputFormatException naming a listed file that differs and both hashes
     */
    public static String manifestSha256(Path fixturesDir) {
        Path manifest = fixturesDir.resolve(FixtureBuilder.MANIFEST_FILE);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException("fixture directory " + fixturesDir + " has no "
                    + FixtureBuilder.MANIFEST_FILE + "; build fixtures with 'pmpd build-fixtures'");
        }
        TaskFixtures.verify(fixturesDir);
        return Hashes.sha256Hex(manifest);
    }
}
