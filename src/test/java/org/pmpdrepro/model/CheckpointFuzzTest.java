package org.pmpdrepro.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;

/**
 * Fuzzes what loading a checkpoint reads: a safetensors file (length prefix, JSON header, data), the index of a
 * sharded checkpoint, and {@code config.json} checked against the weights beside it. Each is refused with a
 * {@link CheckpointFormatException}, or for {@code config.json} the IOException {@link LlamaConfig#read} documents,
 * naming the file.
 */
@Tag("unit")
class CheckpointFuzzTest {

    /** Beside the fuzzed file: a tiny model's weights in two shards, so that index and config meet real tensors. */
    @TempDir
    Path checkpoint;

    @BeforeEach
    void writeTinyCheckpoint() throws Exception {
        LlamaConfig config = TinyLlamaFactory.tinyConfig();
        CheckpointWriter.writeSharded(checkpoint, config, TinyLlamaFactory.randomWeights(config, 17), DType.F16, 2);
    }

    @ReaderFuzzTest
    @DisplayName("any safetensors file opens with every tensor readable, or is refused naming the file")
    void safetensorsFile(byte[] input) throws Throwable {
        ReaderContract.checkFile(checkpoint.resolve("fuzzed.safetensors"), input, CheckpointFormatException.class,
                file -> {
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        for (String name : f.names()) {
                            f.read(name);
                        }
                    }
                });
    }

    @ReaderFuzzTest
    @DisplayName("any model.safetensors.index.json opens a checkpoint whose weights validate and read, or is refused"
            + " naming the checkpoint")
    void checkpointIndex(byte[] input) throws Throwable {
        Files.write(checkpoint.resolve(CheckpointDirectory.INDEX), input);
        ReaderContract.refusingWith(checkpoint, CheckpointFormatException.class).check(() -> openAndRead());
    }

    @ReaderFuzzTest
    @DisplayName("any config.json is read and checked against the weights, or refused naming the checkpoint")
    void configJson(byte[] input) throws Throwable {
        Files.write(checkpoint.resolve(CheckpointDirectory.CONFIG), input);
        ReaderContract.refusingWith(checkpoint, IOException.class).check(() -> openAndRead());
    }

    private void openAndRead() throws Exception {
        try (CheckpointDirectory c = CheckpointDirectory.open(checkpoint)) {
            c.validate();
            for (String name : c.names()) {
                c.tensor(name);
            }
        }
    }
}
