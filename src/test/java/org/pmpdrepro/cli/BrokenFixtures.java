package org.pmpdrepro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.io.Hashes;

/**
 * A copy of the committed fixtures whose debsum test file has a malformed line 2 (and a manifest that records the
 * broken file's hash, so that the line is what fails), for commands' error paths.
 */
public final class BrokenFixtures {

    private BrokenFixtures() {}

    /** Writes the copy under {@code dir} and returns the broken file. */
    public static Path write(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(TaskFixtures.DEFAULT_DIR)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve(TaskFixtures.DEFAULT_DIR.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        Path file = TaskFixtures.file(dir, Task.DEBSUM, Split.TEST);
        String committed = Hashes.sha256Hex(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).substring(0, 40));
        Files.write(file, lines);
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace(committed, Hashes.sha256Hex(file)));
        return file;
    }
}
