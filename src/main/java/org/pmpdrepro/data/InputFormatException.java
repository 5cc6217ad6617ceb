package org.pmpdrepro.data;

/** Input data that does not have the expected form; the message names the file and line. */
public final class InputFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    /** @param line the 1-based line at fault, or 0 when the problem is the file as a whole */
    public InputFormatException(String source, long line, String message) {
        super(source + (line > 0 ? ":" + line : "") + ": " + message);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }
}
