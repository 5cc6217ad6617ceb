package org.pmpdrepro.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Inputs of one fixture build.
 *
 * @param english the Translation-en list (lz4 or plain)
 * @param french the Translation-fr list (lz4 or plain)
 * @param outDir where the committed fixtures go (task folders and manifest)
 * @param trainOut where to write the training corpus; empty to skip it
 * @param testSize test examples per task
 * @param calibrationSize calibration examples per task (at most)
 * @param minTestSize the build fails when a task has fewer test examples than this
 * @param shuffleSeed seed of the training corpus shuffle
 * @param commandLine the command line as typed, recorded in the manifest
 */
public record BuildOptions(
        Path english,
        Path french,
        Path outDir,
        Optional<Path> trainOut,
        int testSize,
        int calibrationSize,
        int minTestSize,
        long shuffleSeed,
        String commandLine) {

    public static final int DEFAULT_TEST_SIZE = 256;
    public static final int DEFAULT_CALIBRATION_SIZE = 512;
    public static final int DEFAULT_MIN_TEST_SIZE = 200;
    public static final long DEFAULT_SHUFFLE_SEED = 20241017L;

    public BuildOptions {
        Objects.requireNonNull(english, "english");
        Objects.requireNonNull(french, "french");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(trainOut, "trainOut");
        Objects.requireNonNull(commandLine, "commandLine");
        if (testSize < 1 || calibrationSize < 1 || minTestSize < 0) {
            throw new IllegalArgumentException("test size " + testSize + " and calibration size " + calibrationSize
                    + " must be positive, minimum test size " + minTestSize + " non-negative");
        }
        if (minTestSize > testSize) {
            throw new IllegalArgumentException(
                    "minimum test size " + minTestSize + " exceeds the test size " + testSize);
        }
    }
}
