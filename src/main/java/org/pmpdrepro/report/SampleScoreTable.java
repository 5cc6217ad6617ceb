package org.pmpdrepro.report;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Each sample's score under each metric, as the CSV a cell attaches: header {@code sample,<metric>...}, one row
 * per sample. Values are written with {@link Double#toString} so that reading the CSV back gives the same doubles.
 *
 * @param metrics the metric columns in order
 * @param rows one row per sample, each with a score for every metric
 */
public record SampleScoreTable(List<String> metrics, List<Row> rows) {

    private static final String SAMPLE = "sample";

    /** One sample's scores, in the table's metric order. */
    public record Row(String sample, List<Double> scores) {
        public Row {
            scores = List.copyOf(scores);
        }
    }

    public SampleScoreTable {
        metrics = List.copyOf(metrics);
        rows = List.copyOf(rows);
        Set<String> seenMetrics = new HashSet<>();
        for (String m : metrics) {
            if (m.isBlank() || m.equals(SAMPLE) || !seenMetrics.add(m)) {
                throw new IllegalArgumentException("sample score table: metric column '" + m
                        + "' is blank, repeated or named '" + SAMPLE + "'");
            }
        }
        Set<String> seenSamples = new HashSet<>();
        for (Row r : rows) {
            if (r.scores().size() != metrics.size()) {
                throw new IllegalArgumentException("sample score table: sample '" + r.sample() + "' has "
                        + r.scores().size() + " scores, expected one per metric " + metrics);
            }
            if (!seenSamples.add(r.sample())) {
                throw new IllegalArgumentException("sample score table: sample '" + r.sample() + "' appears twice");
            }
        }
    }

    /** Builds the table from per-metric score lists that share a sample order. */
    public static SampleScoreTable of(List<String> samples, Map<String, List<Double>> scoresByMetric) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            List<Double> scores = new ArrayList<>();
            for (Map.Entry<String, List<Double>> e : scoresByMetric.entrySet()) {
                if (e.getValue().size() != samples.size()) {
                    throw new IllegalArgumentException("sample score table: metric " + e.getKey() + " has "
                            + e.getValue().size() + " scores for " + samples.size() + " samples");
                }
                scores.add(e.getValue().get(i));
            }
            rows.add(new Row(samples.get(i), scores));
        }
        return new SampleScoreTable(List.copyOf(new LinkedHashMap<>(scoresByMetric).keySet()), rows);
    }

    public String toCsv() {
        StringWriter out = new StringWriter();
        List<String> header = new ArrayList<>();
        header.add(SAMPLE);
        header.addAll(metrics);
        CSVFormat format = CSVFormat.RFC4180.builder().setRecordSeparator('\n').setHeader(header.toArray(String[]::new))
                .get();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                cells.add(r.sample());
                r.scores().forEach(s -> cells.add(Double.toString(s)));
                printer.printRecord(cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format sample scores", e);
        }
        return out.toString();
    }

    /** Reads what {@link #toCsv()} wrote; {@code source} names the input in errors. */
    public static SampleScoreTable parse(String source, Reader in) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(in, format)) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty() || !header.get(0).equals(SAMPLE)) {
                throw new IOException(source + ": line 1: header " + header + ", expected '" + SAMPLE
                        + "' followed by metric names");
            }
            List<String> metrics = header.subList(1, header.size());
            List<Row> rows = new ArrayList<>();
            for (CSVRecord rec : parser) {
                if (rec.size() != header.size()) {
                    throw new IOException(source + ": line " + parser.getCurrentLineNumber() + ": " + rec.size()
                            + " columns, expected " + header.size() + " " + header);
                }
                List<Double> scores = new ArrayList<>();
                for (int c = 1; c < header.size(); c++) {
                    try {
                        scores.add(Double.parseDouble(rec.get(c)));
                    } catch (NumberFormatException e) {
                        throw new IOException(source + ": line " + parser.getCurrentLineNumber() + ", column "
                                + (c + 1) + " (" + header.get(c) + "): '" + rec.get(c) + "' is not a number", e);
                    }
                }
                rows.add(new Row(rec.get(0), scores));
            }
            return new SampleScoreTable(metrics, rows);
        }
    }

    /** Convenience for {@link #parse(String, Reader)} on a string. */
    public static SampleScoreTable parse(String source, String csv) throws IOException {
        return parse(source, new StringReader(csv));
    }
}
