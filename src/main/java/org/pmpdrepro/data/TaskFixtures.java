package org.pmpdrepro.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
     * Reads every example of one task and split, in file order.
     *
     * @throws InputFormatException naming file and line for a malformed line, a record of another
     *     task or split, or a repeated id
     */
    public static List<TaskExample> load(Path fixturesDir, Task task, Split split) {
        Path file = file(fixturesDir, task, split);
        String name = file.toString();
        List<TaskExample> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
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
        return List.copyOf(out);
    }

    /** The manifest written beside the fixtures. */
    public static FixtureManifest manifest(Path fixturesDir) {
        return ManifestJson.read(fixturesDir.resolve(FixtureBuilder.MANIFEST_FILE));
    }
}
