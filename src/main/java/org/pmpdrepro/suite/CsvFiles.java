package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.pmpdrepro.io.Utf8;

/** Commons CSV reading with errors that name file, line and column; shared by the grid and golden files. */
final class CsvFiles {

    /** A record with the line it starts on (1-based, the header being line 1). */
    record Row(CSVRecord record, long line) {
        String get(String column) {
            return record.get(column);
        }
    }

    private static final int BYTE_ORDER_MARK = 0xFEFF;

    private static final String EXPECTED_SYNTAX = "expected comma-separated fields, quoted with \" and every quote"
            + " closed";

    private CsvFiles() {}

    static CSVFormat writeFormat(String[] header) {
        return CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator("\n").get();
    }

    /**
     * The text of a suite CSV file for {@link #parse}, decoded strictly: bytes that are not UTF-8 are an error naming
     * the file and line (a streaming decoder would fail mid-parse, as a bare {@code MalformedInputException}).
     */
    static Reader text(Path file) throws IOException {
        try {
            return new StringReader(Utf8.read(file));
        } catch (Utf8.MalformedException e) {
            throw new MalformedFileException(file.toString(), e.line(), "", e.getMessage());
        }
    }

    /**
     * A parser over {@code reader}; a leading byte-order mark (spreadsheets save CSV with one) is skipped. A header
     * that is not valid CSV (a quote never closed) is an error at line 1.
     */
    static CSVParser parse(Reader reader, CSVFormat format, String name) throws IOException {
        PushbackReader in = new PushbackReader(reader, 1);
        int first = in.read();
        if (first >= 0 && first != BYTE_ORDER_MARK) {
            in.unread(first);
        }
        try {
            return CSVParser.builder().setReader(in).setFormat(format).get();
        } catch (CSVException e) {
            throw new MalformedFileException(name, 1, "", "not valid CSV in the header (" + e.getMessage() + "); "
                    + EXPECTED_SYNTAX);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new MalformedFileException(name, 1, "", "header cannot be read: " + e.getMessage());
        }
    }

    static void requireHeader(CSVParser parser, String[] expected, String name) {
        List<String> header = parser.getHeaderNames();
        if (!header.equals(List.of(expected))) {
            throw new MalformedFileException(name, 1, "", "header is " + header + "; expected "
                    + String.join(",", expected));
        }
    }

    /**
     * Every record, each with its starting line; a syntax error names the line where its record starts (for a quote
     * that is never closed, the parser stops only at the end of the file).
     */
    static List<Row> records(CSVParser parser, String name) {
        List<Row> rows = new ArrayList<>();
        Iterator<CSVRecord> it = parser.iterator();
        while (true) {
            long before = parser.getCurrentLineNumber();
            try {
                if (!it.hasNext()) {
                    return rows;
                }
                rows.add(new Row(it.next(), before + 1));
            } catch (UncheckedIOException | IllegalStateException e) {
                throw new MalformedFileException(name, before + 1, "", "not valid CSV in the record that starts here ("
                        + e.getMessage() + "; the parser stopped at line " + (parser.getCurrentLineNumber() + 1)
                        + "); " + EXPECTED_SYNTAX);
            }
        }
    }

    static void requireConsistent(Row row, String[] header, String name) {
        if (row.record().size() != header.length) {
            throw new MalformedFileException(name, row.line(), "", row.record().size() + " fields; expected "
                    + header.length + " (" + String.join(",", header) + ")");
        }
    }

    /** Converts one field; a conversion error names the column, the value and {@code expected}. */
    static <T> T field(Row row, String column, String name, String expected, Function<String, T> convert) {
        String value = row.get(column);
        try {
            return convert.apply(value);
        } catch (RuntimeException e) {
            throw new MalformedFileException(name, row.line(), column, "value '" + value + "'; expected " + expected
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    /** A finite decimal number; NaN, infinities and empty fields are errors. */
    static double number(Row row, String column, String name, String expected) {
        return field(row, column, name, expected, v -> {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException("not finite");
            }
            return d;
        });
    }
}
