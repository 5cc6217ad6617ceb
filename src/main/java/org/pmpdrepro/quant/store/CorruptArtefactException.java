package org.pmpdrepro.quant.store;

import java.io.IOException;
import java.nio.file.Path;

/** A cached quantized artefact that must not be used: damaged, incomplete, or made from other inputs. */
public final class CorruptArtefactException extends IOException {

    private final transient Path file;
    private final String problem;

    public CorruptArtefactException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public CorruptArtefactException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file that is wrong. */
    public Path file() {
        return file;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }
}
