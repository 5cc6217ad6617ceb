package org.pmpdrepro.container;

import java.util.List;
import java.util.OptionalInt;

/**
 * A container job that did not finish: it exited non-zero, ran past its timeout, or could not be started. An
 * infrastructure error rather than a result, which is why every message starts with {@value #PREFIX} (the report
 * categorises on it); it says which image and command, the exit code and the log tail.
 */
public final class ContainerJobException extends Exception {

    /** How every message starts. */
    public static final String PREFIX = "container job failed";

    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final OptionalInt exitCode;
    private final boolean timedOut;
    private final List<String> logTail;

    public ContainerJobException(String jobId, String image, List<String> command, OptionalInt exitCode,
            boolean timedOut, String problem, List<String> logTail, Throwable cause) {
        super(PREFIX + ": job " + jobId + " in image " + image + " (command " + String.join(" ", command) + "): "
                + problem + (exitCode.isPresent() ? "; exit code " + exitCode.getAsInt() : "")
                + "\n--- last " + logTail.size() + " log lines ---\n" + String.join("\n", logTail), cause);
        this.jobId = jobId;
        this.exitCode = exitCode;
        this.timedOut = timedOut;
        this.logTail = List.copyOf(logTail);
    }

    public String jobId() {
        return jobId;
    }

    /** The container's exit code; empty when it was killed at its timeout or never ran. */
    public OptionalInt exitCode() {
        return exitCode;
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** The container's last log lines (stdout and stderr interleaved), oldest first. */
    public List<String> logTail() {
        return logTail;
    }
}
