package org.pmpdrepro.suite;

/**
 * A suite input file (grid, goldens) that cannot be read as written: names the file, the line and column, the
 * value found and the form expected.
 */
public final class MalformedFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;

    public MalformedFileException(String file, long line, String column, String problem) {
        super(file + ": line " + line + (column.isEmpty() ? "" : ", column '" + column + "'") + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() {
        return file;
    }

    public long line() {
        return line;
    }

    /** The column's header name, or empty when the problem is the line as a whole. */
    public String column() {
        return column;
    }
}
