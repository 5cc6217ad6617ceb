package org.pmpdrepro.container;

import java.util.List;
import java.util.Optional;

/**
 * A suite cell that could not be run in a container: its job failed ({@link ContainerJobException}, whose message
 * with the exit code and the log tail this message carries), or its files could not be read back. Unchecked,
 * because the suite's runner interface is; its package makes the suite file it as an infrastructure error.
 */
public final class ContainerRunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ContainerRunException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The failed container job, when that is what went wrong. */
    public Optional<ContainerJobException> job() {
        return getCause() instanceof ContainerJobException e ? Optional.of(e) : Optional.empty();
    }

    /** The failed container's last log lines; empty when no container failed. */
    public List<String> logTail() {
        return job().map(ContainerJobException::logTail).orElse(List.of());
    }
}
