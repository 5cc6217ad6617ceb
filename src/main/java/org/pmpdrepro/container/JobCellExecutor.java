package org.pmpdrepro.container;

import java.io.IOException;
import java.util.Optional;

/**
 * Runs cells inside one process: {@code run-job} drives one inside the container, and the in-process runner can
 * drive the same one on the host, which is what makes the two runners' outputs comparable token for token.
 * An executor may keep state between cells of a job (a loaded model, quantized back-bones) and frees it on close.
 */
public interface JobCellExecutor extends AutoCloseable {

    /**
     * Why this executor cannot run {@code cell}, or empty when it can. {@code run-job} asks for every cell before
     * decoding any, so an unsupported cell fails a job at once rather than after hours of work.
     */
    Optional<String> unsupported(JobCell cell);

    /**
     * Decodes the first {@code limit} test prompts of the cell's task (0: all of them).
     *
     * @throws UnsupportedCellException when {@link #unsupported} is not empty for {@code cell}
     */
    CellRun run(JobCell cell, int limit) throws IOException;

    @Override
    void close();
}
