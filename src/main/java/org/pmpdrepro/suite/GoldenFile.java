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
import org.pmpdrepro.io.AtomicFiles;

/**
 * The golden CSV ({@code golden/ablation-goldens.csv}): one {@link GoldenRow} per cell, read and written with Commons
 * CSV; each row names its outputs file under the CSV's folder ({@link GoldenOutputs}). Every row remembers its line
 * so a failure can point at it. Numbers are written with {@link Double#toString}, which reads back to the same
 * double, so exact values stay exact.
 */
public final class GoldenFile {

    /** Where the goldens of the embedded fixture model live relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("golden", "ablation-goldens.csv");

    /** The folder, beside the CSV, that holds the outputs files. */
    static final String OUTPUTS_DIR = "outputs";

    static final String[] HEADER = header();

    private static String[] header() {
        List<String> h = new ArrayList<>(List.of("ablation", "cell", "samples", "outputs", "references_sha256",
                "average_bits", "bytes_per_token", "resident_bytes"));
        h.addAll(SuiteMetrics.ALL);
        h.addAll(List.of("configuration", "model_sha256", "fixtures_sha256", "commit", "date"));
        return h.toArray(String[]::new);
    }

    /** A row and the line it was read from (0 for a row not read from a file). */
    public record Located(GoldenRow row, Path file, long line) {
        /** {@code golden/ablation-goldens.csv:17}, for messages. */
        public String where() {
            return line > 0 ? file + ":" + line : file + " (not yet written)";
        }

        /** The row's outputs file. */
        public Path outputsFile() {
            Path dir = file.toAbsolutePath().getParent();
            return dir.resolve(row.outputs());
        }
    }

    private final Path file;
    private final Map<String, Located> rows;

    private GoldenFile(Path file, Map<String, Located> rows) {
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
        Map<String, Located> rows = new LinkedHashMap<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                GoldenRow row = row(r, name);
                Located previous = rows.put(row.cell(), new Located(row, file, r.line()));
                if (previous != null) {
                    throw new MalformedFileException(name, r.line(), "cell", "cell " + row.cell()
                            + " repeats line " + previous.line() + "; expected one row per cell");
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
        int samples = CsvFiles.field(r, "samples", name, "a positive integer", v -> {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new IllegalArgumentException("not positive");
            }
            return n;
        });
        String outputs = CsvFiles.field(r, "outputs", name, "a relative path under " + OUTPUTS_DIR + "/", v -> {
            Path p = Path.of(v);
            if (v.isBlank() || p.isAbsolute() || p.normalize().startsWith("..") || !p.startsWith(OUTPUTS_DIR)) {
                throw new IllegalArgumentException("not under " + OUTPUTS_DIR + "/");
            }
            return v;
        });
        String refs = CsvFiles.field(r, "references_sha256", name, "64 hex digits", v -> {
            if (!v.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256");
            }
            return v;
        });
        double bits = CsvFiles.number(r, "average_bits", name, "a finite number of bits");
        double bytes = accountable(r, "bytes_per_token", name);
        double resident = accountable(r, "resident_bytes", name);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String m : SuiteMetrics.ALL) {
            metrics.put(m, CsvFiles.number(r, m, name, "a finite decimal number"));
        }
        DecodeConfiguration configuration = CsvFiles.field(r, "configuration", name,
                "runner=...; device=...; backend=...; cpu=...; threads=N; batch=N", DecodeConfiguration::parse);
        return new GoldenRow(ablation, cell, samples, outputs, refs, bits, bytes, resident, metrics, configuration,
                r.get("model_sha256"), r.get("fixtures_sha256"), r.get("commit"), r.get("date"));
    }

    /** A byte count: a finite number >= 0, or NaN where the back-bone cannot account for it. */
    private static double accountable(CsvFiles.Row r, String column, String name) {
        return CsvFiles.field(r, column, name, "a finite number >= 0, or NaN where not accountable", v -> {
            double d = Double.parseDouble(v.strip());
            if (Double.isInfinite(d) || d < 0) {
                throw new IllegalArgumentException("out of range");
            }
            return d;
        });
    }

    /** The outputs file name of {@code cell}: {@code outputs/a1-debsum-any-precision-4-3-static.jsonl.gz}. */
    static String outputsName(String cellId) {
        return OUTPUTS_DIR + "/" + cellId.replace('/', '-').replace('>', '-') + ".jsonl.gz";
    }

    public Path file() {
        return file;
    }

    public Optional<Located> find(String cellId) {
        return Optional.ofNullable(rows.get(cellId));
    }

    public Collection<Located> rows() {
        return List.copyOf(rows.values());
    }

    public int size() {
        return rows.size();
    }

    /**
     * This file with {@code fresh} rows replacing those of the same cell and the rest kept, sorted by cell id so that
     * rewrites produce small diffs.
     */
    public GoldenFile withRows(Collection<GoldenRow> fresh) {
        Map<String, Located> merged = new LinkedHashMap<>(rows);
        for (GoldenRow row : fresh) {
            merged.put(row.cell(), new Located(row, file, 0));
        }
        List<Located> sorted = new ArrayList<>(merged.values());
        sorted.sort(Comparator.comparing((Located l) -> l.row().cell()));
        Map<String, Located> out = new LinkedHashMap<>();
        sorted.forEach(l -> out.put(l.row().cell(), l));
        return new GoldenFile(file, out);
    }

    /** This file without the rows {@code drop} accepts. */
    public GoldenFile without(Predicate<GoldenRow> drop) {
        Map<String, Located> out = new LinkedHashMap<>();
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
                List<Object> record = new ArrayList<>(List.of(g.ablation(), g.cell(), g.samples(), g.outputs(),
                        g.referencesSha256(), g.averageBits(), g.bytesPerToken(), g.residentBytes()));
                SuiteMetrics.ALL.forEach(m -> record.add(g.metric(m)));
                record.addAll(List.of(g.configuration().key(), g.modelSha256(), g.fixturesSha256(), g.commit(),
                        g.date()));
                printer.printRecord(record);
            }
        }
        AtomicFiles.writeText(file, out.toString());
        return read(file);
    }
}
