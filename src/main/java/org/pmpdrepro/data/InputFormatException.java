package org.pmpdrepro.data;

/** Input data that does not have the expected form; the message names the file and line. */
public final class InputFormatException extends RuntimeException {

    private final String source;
    private final long line;

    public InputFormatException(String source, long line, String message) {
        super(source + ":" + line + ": " + message);
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
