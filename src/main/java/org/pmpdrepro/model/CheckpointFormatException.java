package org.pmpdrepro.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weights file or checkpoint directory that cannot be used as it stands: the message names the file,
 * the tensor (when one is concerned), what was wrong and what was expected.
 */
public final class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String tensor;

    /**
     * @param source the file (or in-memory source) at fault
     * @param tensor the tensor concerned, or {@code null} when the problem is with the file as a whole
     * @param problem what was wrong and what was expected
     */
    public CheckpointFormatException(String source, String tensor, String problem) {
        super(source + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem);
        this.source = source;
        this.tensor = tensor;
    }

    public CheckpointFormatException(Path file, String tensor, String problem) {
        this(String.valueOf(file), tensor, problem);
    }

    public CheckpointFormatException(Path file, String tensor, String problem, Throwable cause) {
        this(file, tensor, problem);
        initCause(cause);
    }

    /** The file (or in-memory source) at fault. */
    public String source() {
        return source;
    }

    /** The tensor concerned, or {@code null} when the problem is with the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
