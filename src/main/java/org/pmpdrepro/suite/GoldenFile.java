package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;

/**
 * The golden CSV ({@code golden/ablation-goldens.csv}): one {@link GoldenRow} per (cell, metric), read and written
 * with Commons CSV. Every row remembers its line so a failure can point at it. Values are written with
 * {@link Double#toString}, which reads back to the same double.
 */
public final class GoldenFile {

    /** Where the goldens of the embedded fixture model live relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("golden", "ablation-goldens.csv");

    static final String[] HEADER = {"ablation", "cell", "metric", "expected", "abs_tolerance", "rel_tolerance",
            "spread", "std_error", "source", "device", "backend", "model_sha256", "fixtures_sha256", "commit", "date",
            "samples"};

    /** A row and the line it was read from (0 for a row not read from a file). */
    public record Located(GoldenRow row, Path file, long line) {
        /** {@code golden/ablation-goldens.csv:17}, for messages. */
        public String where() {
            return line > 0 ? file + ":" + line : file + " (not yet written)";
        }
    }

    private final Path file;
    private final Map<GoldenRow.Key, Located> rows;

    private GoldenFile(Path file, Map<GoldenRow.Key, Located> rows) {
        this.file = file;
        this.rows = rows;
    }

    /** A file with no rows yet, to be written at {@code file}. */
    public static GoldenFile empty(Path file) {
        return new GoldenFile(file, new LinkedHashMap<>());
    }

    /**
     * Reads {@code file}; a malformed one is an error naming line and column, and a missing one an error naming the
     * path (a mistyped {@code -Dpmpd.golden} must not pass for a file without rows).
     */
    public static GoldenFile read(Path file) {
        try (Reader reader = CsvFiles.text(file)) {
            return parse(reader, file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("golden file " + file + " does not exist; check -Dpmpd.golden"
                    + " (expected a CSV with header " + String.join(",", HEADER) + "), or create it with"
                    + " -Dgolden.update=true", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + file, e);
        }
    }

    /** {@link #read}, or no rows when the file does not exist yet: what an update that may create the file reads. */
    public static GoldenFile readOrEmpty(Path file) {
        return Files.exists(file) ? read(file) : empty(file);
    }

    static GoldenFile parse(Reader reader, Path file) throws IOException {
        String name = file.toString();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        Map<GoldenRow.Key, Located> rows = new LinkedHashMap<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                GoldenRow row = row(r, name);
                Located previous = rows.put(row.key(), new Located(row, file, r.line()));
                if (previous != null) {
                    throw new MalformedFileException(name, r.line(), "metric", "row for " + row.key()
                            + " repeats line " + previous.line() + "; expected one row per cell and metric");
                }
            }
        }
        return new GoldenFile(file, rows);
    }

    private static GoldenRow row(CsvFiles.Row r, String name) {
        String ablation = CsvFiles.field(r, "ablation", name, "a1 or a2", v -> Ablation.fromId(v).id());
        String cell = r.get("cell");
        if (!cell.startsWith(ablation + "/")) {
            throw new MalformedFileException(name, r.line(), "cell", "value '" + cell
                    + "'; expected a cell id of ablation " + ablation + " such as " + ablation
                    + "/debsum/any-precision/4>3/static");
        }
        String metric = CsvFiles.field(r, "metric", name, "rougeL, bertscore, bleu or sacrebleu", v -> {
            if (!SuiteMetrics.ALL.contains(v)) {
                throw new IllegalArgumentException("unknown metric");
            }
            return v;
        });
        double expected = CsvFiles.number(r, "expected", name, "a finite decimal number");
        double abs = nonNegative(r, "abs_tolerance", name);
        double rel = nonNegative(r, "rel_tolerance", name);
        double spread = optionalNumber(r, "spread", name);
        double se = optionalNumber(r, "std_error", name);
        GoldenRow.Source source = CsvFiles.field(r, "source", name, "run or paper", GoldenRow.Source::fromId);
        int samples = CsvFiles.field(r, "samples", name, "a positive integer", v -> {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new IllegalArgumentException("not positive");
            }
            return n;
        });
        return new GoldenRow(ablation, cell, metric, expected, abs, rel, spread, se, source, r.get("device"),
                r.get("backend"), r.get("model_sha256"), r.get("fixtures_sha256"), r.get("commit"), r.get("date"),
                samples);
    }

    private static double nonNegative(CsvFiles.Row r, String column, String name) {
        double d = CsvFiles.number(r, column, name, "a finite number >= 0");
        if (d < 0) {
            throw new MalformedFileException(name, r.line(), column, "value '" + r.get(column)
                    + "'; expected a finite number >= 0");
        }
        return d;
    }

    /** Empty or {@code NaN} for "not measured" (paper rows); otherwise a finite number >= 0. */
    private static double optionalNumber(CsvFiles.Row r, String column, String name) {
        String v = r.get(column).strip();
        if (v.isEmpty() || v.equals("NaN")) {
            return Double.NaN;
        }
        return nonNegative(r, column, name);
    }

    public Path file() {
        return file;
    }

    public Optional<Located> find(String cellId, String metric) {
        return Optional.ofNullable(rows.get(new GoldenRow.Key(cellId, metric)));
    }

    public Collection<Located> rows() {
        return List.copyOf(rows.values());
    }

    public int size() {
        return rows.size();
    }

    /**
     * This file with {@code fresh} rows replacing those of the same key and the rest kept, sorted by cell id and
     * metric so that rewrites produce small diffs.
     */
    public GoldenFile withRows(Collection<GoldenRow> fresh) {
        Map<GoldenRow.Key, Located> merged = new LinkedHashMap<>(rows);
        for (GoldenRow row : fresh) {
            merged.put(row.key(), new Located(row, file, 0));
        }
        List<Located> sorted = new ArrayList<>(merged.values());
        sorted.sort(Comparator.comparing((Located l) -> l.row().cell())
                .thenComparingInt(l -> SuiteMetrics.ALL.indexOf(l.row().metric())));
        Map<GoldenRow.Key, Located> out = new LinkedHashMap<>();
        sorted.forEach(l -> out.put(l.row().key(), l));
        return new GoldenFile(file, out);
    }

    /** This file without the rows {@code drop} accepts. */
    public GoldenFile without(Predicate<GoldenRow> drop) {
        Map<GoldenRow.Key, Located> out = new LinkedHashMap<>();
        rows.forEach((k, l) -> {
            if (!drop.test(l.row())) {
                out.put(k, l);
            }
        });
        return new GoldenFile(file, out);
    }

    /** Writes every row atomically (temporary file beside it, then an atomic move) and returns the file re-read. */
    public GoldenFile write() throws IOException {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (Located l : rows.values()) {
                GoldenRow g = l.row();
                printer.printRecord(g.ablation(), g.cell(), g.metric(), g.expected(), g.absTolerance(),
                        g.relTolerance(), g.spread(), g.standardError(), g.source().id(), g.device(), g.backend(),
                        g.modelSha256(), g.fixturesSha256(), g.commit(), g.date(), g.samples());
            }
        }
        org.pmpdrepro.io.AtomicFiles.writeText(file, out.toString());
        return read(file);
    }
}
