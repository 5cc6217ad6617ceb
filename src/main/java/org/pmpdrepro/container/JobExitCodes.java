package org.pmpdrepro.container;

/** The exit codes of {@code pmpd run-job}, which the container runner reports back to the test that ran it. */
public final class JobExitCodes {

    /** Every cell ran and its files are written. */
    public static final int OK = 0;

    /** A cell failed while running (an I/O error, a decoder error); the log says which. */
    public static final int FAILED = 1;

    /** A cell names a back-bone or scheduler this executor cannot run. */
    public static final int UNSUPPORTED = 2;

    /** The specification file is malformed (sysexits' EX_USAGE); the message names the field. */
    public static final int BAD_SPEC = 64;

    /** A file a cell reads (a task fixture) is malformed (sysexits' EX_DATAERR); the message names file and line. */
    public static final int BAD_INPUT = 65;

    private JobExitCodes() {}
}
