package org.pmpdrepro.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.io.Utf8;

/** Loads the committed fixtures (the layout {@link FixtureBuilder} writes). */
public final class TaskFixtures {

    /** Where the fixtures live relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("fixtures", "tasks");

    private TaskFixtures() {}

    /** The JSONL file of one task and split. Train is not committed: it is the corpus of {@code --train-out}. */
    public static Path file(Path fixturesDir, Task task, Split split) {
        if (split == Split.TRAIN) {
            throw new IllegalArgumentException("the train split of " + task.id() + " is not a committed fixture;"
                    + " it is part of the corpus written by 'pmpd build-fixtures --train-out FILE'");
        }
        return fixturesDir.resolve(task.id()).resolve(split.id() + ".jsonl");
    }

    /**
     * Reads every example of one task and split, in file order. The file is hashed as it is read and, when the
     * directory has a manifest, must have the SHA-256 the manifest records: results stamped with the manifest's hash
     * then describe exactly the examples they were computed from.
     *
     * @throws InputFormatException naming file and line for a malformed line, a record of another
     *     task or split, or a repeated id; naming the file and both hashes when it is not the file the manifest lists
     */
    public static List<TaskExample> load(Path fixturesDir, Task task, Split split) {
        Path file = file(fixturesDir, task, split);
        String name = file.toString();
        List<TaskExample> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        MessageDigest sha256 = Hashes.sha256();
        try (BufferedReader reader = new BufferedReader(new StringReader(text(file, sha256)))) {
            long lineNo = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    throw new InputFormatException(name, lineNo, "blank line, expected one JSON example per line");
                }
                TaskExample e = ExampleJson.parse(line, name, lineNo);
                if (e.task() != task) {
                    throw new InputFormatException(name, lineNo,
                            "field 'task' is '" + e.task().id() + "', expected '" + task.id() + "'");
                }
                if (e.split() != split) {
                    throw new InputFormatException(name, lineNo,
                            "field 'split' is '" + e.split().id() + "', expected '" + split.id() + "'");
                }
                if (!ids.add(e.id())) {
                    throw new InputFormatException(name, lineNo, "field 'id' repeats '" + e.id() + "'");
                }
                out.add(e);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no fixture file " + name + "; build fixtures with"
                    + " 'pmpd build-fixtures'", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
        Path manifestFile = fixturesDir.resolve(FixtureBuilder.MANIFEST_FILE);
        if (Files.isRegularFile(manifestFile)) {
            String relative = task.id() + "/" + split.id() + ".jsonl";
            FixtureManifest.FileEntry entry = manifest(fixturesDir).task(task).files().stream()
                    .filter(f -> f.file().equals(relative)).findFirst()
                    .orElseThrow(() -> new InputFormatException(name, 0, "not listed in " + manifestFile
                            + "; expected the files 'pmpd build-fixtures' wrote"));
            requireRecordedHash(file, HexFormat.of().formatHex(sha256.digest()), entry.sha256(), manifestFile);
        }
        return List.copyOf(out);
    }

    /**
     * The whole file, hashed into {@code sha256} and decoded strictly: bytes that are not UTF-8 are an error naming the
     * line and byte offset (a streaming decoder would fail mid-file with a bare {@code MalformedInputException}).
     * Fixture files are a few hundred kilobytes.
     */
    private static String text(Path file, MessageDigest sha256) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        sha256.update(bytes);
        try {
            return Utf8.decode(bytes);
        } catch (Utf8.MalformedException e) {
            throw new InputFormatException(file.toString(), e.line(), e.getMessage());
        }
    }

    /**
     * Checks every file {@code manifest.json} lists (task files and calibration text) against the SHA-256 it records,
     * so that the manifest's hash stands for the files actually in the directory.
     *
     * @throws InputFormatException naming the file and both hashes for a file that differs
     */
    public static void verify(Path fixturesDir) {
        Path manifestFile = fixturesDir.resolve(FixtureBuilder.MANIFEST_FILE);
        FixtureManifest m = manifest(fixturesDir);
        List<FixtureManifest.FileEntry> files = new ArrayList<>();
        m.tasks().forEach(t -> files.addAll(t.files()));
        files.add(m.calibrationText());
        for (FixtureManifest.FileEntry f : files) {
            Path file = fixturesDir.resolve(f.file());
            if (!Files.isRegularFile(file)) {
                throw new InputFormatException(file.toString(), 0, "missing, but " + manifestFile + " lists it");
            }
            requireRecordedHash(file, Hashes.sha256Hex(file), f.sha256(), manifestFile);
        }
    }

    private static void requireRecordedHash(Path file, String actual, String recorded, Path manifestFile) {
        if (!actual.equals(recorded)) {
            throw new InputFormatException(file.toString(), 0, "SHA-256 is " + actual + " but " + manifestFile
                    + " records " + recorded + ": the file was edited after the fixtures were built; restore it, or"
                    + " rebuild the fixtures and their manifest with 'pmpd build-fixtures'");
        }
    }

    /** The manifest written beside the fixtures. */
    public static FixtureManifest manifest(Path fixturesDir) {
        return ManifestJson.read(fixturesDir.resolve(FixtureBuilder.MANIFEST_FILE));
    }
}
