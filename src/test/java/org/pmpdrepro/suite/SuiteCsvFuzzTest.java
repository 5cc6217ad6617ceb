package org.pmpdrepro.suite;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;

/** Fuzzes the suite's CSV readers: the golden results and the grid, both refused with a MalformedFileException. */
@Tag("unit")
class SuiteCsvFuzzTest {

    @TempDir
    Path dir;

    @ReaderFuzzTest
    @DisplayName("any golden CSV is read or refused with a MalformedFileException naming the file")
    void goldenCsv(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve("ablation-goldens.csv"), input, MalformedFileException.class,
                GoldenFile::read);
    }

    @ReaderFuzzTest
    @DisplayName("any grid CSV is read or refused with a MalformedFileException naming the file")
    void gridCsv(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve("grid.csv"), input, MalformedFileException.class, Grid::read);
    }
}
