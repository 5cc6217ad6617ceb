package org.pmpdrepro.container;

/**
 * A job specification that cannot be run as written: it names the file, the field (a JSON path such as
 * {@code cells[1].pair}), the wrong value and what was expected. {@code run-job} exits with
 * {@link JobExitCodes#BAD_SPEC} on it.
 */
public final class JobSpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String field;
    private final String problem;

    public JobSpecException(String source, String field, String problem) {
        super(source + ": " + field + ": " + problem);
        this.source = source;
        this.field = field;
        this.problem = problem;
    }

    /** The same problem, attributed to another source (a file rather than the in-memory record). */
    JobSpecException from(String newSource) {
        return new JobSpecException(newSource, field, problem);
    }

    /** Where the specification came from (a file name, or a description of an in-memory one). */
    public String source() {
        return source;
    }

    /** The JSON path of the offending field, {@code $} for the document itself. */
    public String field() {
        return field;
    }

    /** What is wrong with the field's value and what was expected. */
    public String problem() {
        return problem;
    }
}
