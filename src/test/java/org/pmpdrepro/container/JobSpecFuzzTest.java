package org.pmpdrepro.container;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;

/** Fuzzes the job specification reader ({@code run-job}'s and {@code check-cells}' {@code job.json}). */
@Tag("unit")
class JobSpecFuzzTest {

    @TempDir
    Path dir;

    @ReaderFuzzTest
    @DisplayName("any job.json is read or refused with a JobSpecException naming the file")
    void jobSpec(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve(JobSpec.FILE_NAME), input, JobSpecException.class, JobSpec::read);
    }
}
