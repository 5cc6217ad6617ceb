package org.pmpdrepro.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;

/** Fuzzes the fixture JSONL reader on one task's test split (no manifest beside it, so no hash to match). */
@Tag("unit")
class TaskFixturesFuzzTest {

    @TempDir
    Path fixtures;

    @ReaderFuzzTest
    @DisplayName("any fixture JSONL file is read or refused with an InputFormatException naming the file")
    void fixtureJsonl(byte[] input) throws Throwable {
        Path file = TaskFixtures.file(fixtures, Task.DEBSUM, Split.TEST);
        Files.createDirectories(file.getParent());
        ReaderContract.checkFile(file, input, InputFormatException.class,
                f -> TaskFixtures.load(fixtures, Task.DEBSUM, Split.TEST));
    }
}
