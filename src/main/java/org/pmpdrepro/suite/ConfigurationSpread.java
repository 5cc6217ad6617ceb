package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.io.UpdateLock;

/**
 * The golden provenance of the cross-configuration tolerances ({@code golden/configuration-spread.csv}): for each
 * cell decoded again on another configuration of the grid (another intra-op thread count, another batch size, the
 * container runner, ...), how many prompts changed and, per quantity, the paired difference other − reference with
 * its 95% interval. A tolerance is derived from these rows on reading ({@link #tolerance}).
 *
 * <p>Derivation, per task and quantity: {@code tolerance = max(floor, 2 × max excursion)}, the excursion of a row being
 * the larger of {@code |ci95_lower|} and {@code |ci95_upper|} (for average bits and bytes per token, which have no
 * interval, {@code |difference|}). The factor 2 stands for the configurations not in the grid (a GPU, another CPU),
 * whose kernels reorder more sums than a thread count or a batch size does. A task without rows has no tolerance:
 * a cell of it compared on another configuration fails and says how to measure one.
 */
public final class ConfigurationSpread {

    /** Beside the goldens. */
    public static final String FILE_NAME = "configuration-spread.csv";
    /** How many times the largest excursion seen in the grid a tolerance allows. */
    public static final double FACTOR = 2.0;
    /** The quantities besides the metrics that a configuration may move (through the schedule or the lengths). */
    public static final List<String> SCHEDULE_QUANTITIES = List.of("average_bits", "bytes_per_token");

    static final String[] HEADER = {"cell", "configuration", "reference_configuration", "samples",
            "changed_prompts", "quantity", "difference", "ci95_lower", "ci95_upper", "commit", "date"};

    /**
     * One measured difference.
     *
     * @param configuration the configuration the cell was decoded on again
     * @param reference the configuration of the run it is compared with (the golden's)
     */
    public record Row(String cell, DecodeConfiguration configuration, DecodeConfiguration reference, int samples,
            int changedPrompts, String quantity, double difference, double ciLower, double ciUpper, String commit,
            String date) {

        /** How far the row's interval reaches from 0. */
        public double excursion() {
            return Math.max(Math.abs(ciLower), Math.abs(ciUpper));
        }

        String task() {
            return cell.split("/")[1];
        }
    }

    /**
     * A derived tolerance.
     *
     * @param rows how many measured rows it is derived from
     * @param largest the row with the largest excursion
     */
    public record Tolerance(String task, String quantity, double value, int rows, Row largest) {}

    private final Path file;
    private final List<Row> rows;

    private ConfigurationSpread(Path file, List<Row> rows) {
        this.file = file;
        this.rows = List.copyOf(rows);
    }

    /** The spread file beside a golden CSV. */
    public static Path besides(Path goldenFile) {
        return goldenFile.toAbsolutePath().getParent().resolve(FILE_NAME);
    }

    public static ConfigurationSpread empty(Path file) {
        return new ConfigurationSpread(file, List.of());
    }

    /** Reads {@code file}; no rows when it does not exist (cross-configuration checks then fail saying so). */
    public static ConfigurationSpread readOrEmpty(Path file) {
        if (!Files.exists(file)) {
            return empty(file);
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration spread " + file, e);
        }
    }

    static ConfigurationSpread parse(Reader reader, Path file) throws IOException {
        String name = file.toString();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                String cell = CsvFiles.field(r, "cell", name, "a cell id such as a1/debsum/any-precision/4>3/static",
                        v -> {
                            String[] parts = v.split("/");
                            if (parts.length != 5) {
                                throw new IllegalArgumentException("not a cell id");
                            }
                            Task.fromId(parts[1]);
                            return v;
                        });
                String quantity = CsvFiles.field(r, "quantity", name, "a metric, average_bits or bytes_per_token",
                        v -> {
                            if (!SuiteMetrics.ALL.contains(v) && !SCHEDULE_QUANTITIES.contains(v)) {
                                throw new IllegalArgumentException("unknown quantity");
                            }
                            return v;
                        });
                rows.add(new Row(cell,
                        CsvFiles.field(r, "configuration", name, "a decode configuration", DecodeConfiguration::parse),
                        CsvFiles.field(r, "reference_configuration", name, "a decode configuration",
                                DecodeConfiguration::parse),
                        CsvFiles.field(r, "samples", name, "a positive integer", Integer::parseInt),
                        CsvFiles.field(r, "changed_prompts", name, "a count >= 0", Integer::parseInt), quantity,
                        CsvFiles.number(r, "difference", name, "a finite number"),
                        CsvFiles.number(r, "ci95_lower", name, "a finite number"),
                        CsvFiles.number(r, "ci95_upper", name, "a finite number"), r.get("commit"), r.get("date")));
            }
        }
        return new ConfigurationSpread(file, rows);
    }

    public Path file() {
        return file;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The tolerance of {@code quantity} on {@code task}, when any configuration was measured on the task. */
    public Optional<Tolerance> tolerance(Task task, String quantity) {
        Row largest = null;
        int count = 0;
        for (Row r : rows) {
            if (r.task().equals(task.id()) && r.quantity().equals(quantity)) {
                count++;
                if (largest == null || r.excursion() > largest.excursion()) {
                    largest = r;
                }
            }
        }
        if (largest == null) {
            return Optional.empty();
        }
        return Optional.of(new Tolerance(task.id(), quantity, Math.max(floor(quantity), FACTOR * largest.excursion()),
                count, largest));
    }

    /**
     * The smallest tolerance: what a quantity computed twice the same way may differ by (its last digits, from the
     * order of a sum), never a decode's effect.
     */
    public static double floor(String quantity) {
        return switch (quantity) {
            case "sacrebleu" -> 1e-7;
            case "bytes_per_token" -> 1e-6;
            case "average_bits" -> 1e-12;
            default -> 1e-9;
        };
    }

    /**
     * Merges {@code fresh} into the file as it is now (a row replaces the row of the same cell, configuration and
     * quantity) and writes it atomically under an update lock, so concurrent updates keep each other's rows.
     */
    public static ConfigurationSpread merge(Path file, Collection<Row> fresh) throws IOException {
        try (UpdateLock lock = UpdateLock.acquire(file)) {
            ConfigurationSpread current = readOrEmpty(file);
            Map<List<String>, Row> merged = new LinkedHashMap<>();
            for (Row r : current.rows) {
                merged.put(key(r), r);
            }
            for (Row r : fresh) {
                merged.put(key(r), r);
            }
            List<Row> sorted = new ArrayList<>(merged.values());
            sorted.sort(Comparator.comparing(Row::cell).thenComparing(r -> r.configuration().key())
                    .thenComparing(Row::quantity));
            StringWriter out = new StringWriter();
            try (CSVPrinter p = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
                for (Row r : sorted) {
                    p.printRecord(r.cell(), r.configuration().key(), r.reference().key(), r.samples(),
                            r.changedPrompts(), r.quantity(), r.difference(), r.ciLower(), r.ciUpper(), r.commit(),
                            r.date());
                }
            }
            AtomicFiles.writeText(file, out.toString());
            return new ConfigurationSpread(file, sorted);
        }
    }

    private static List<String> key(Row r) {
        return List.of(r.cell(), r.configuration().key(), r.quantity());
    }

    /**
     * The rows of one cell decoded on two configurations: the number of prompts whose tokens or text differ, each
     * metric's paired difference other − reference with its interval (0 without a bootstrap when no output and no
     * reference text differs), and the difference of the average bits and of the bytes per token.
     */
    static List<Row> between(CellOutcome reference, CellOutcome other, DecodeConfiguration referenceConfiguration,
            DecodeConfiguration otherConfiguration, org.pmpdrepro.metrics.PairedBootstrap.Config bootstrap,
            RunStamp stamp) {
        if (reference.sampleCount() != other.sampleCount()) {
            throw new IllegalArgumentException(reference.cell().id() + ": " + reference.sampleCount() + " prompts on "
                    + referenceConfiguration + " but " + other.sampleCount() + " on " + otherConfiguration);
        }
        int changed = 0;
        for (int i = 0; i < reference.sampleCount(); i++) {
            var a = reference.samples().get(i);
            var b = other.samples().get(i);
            if (!a.id().equals(b.id()) || !a.tokens().equals(b.tokens()) || !a.output().equals(b.output())) {
                changed++;
            }
        }
        boolean identical = changed == 0 && reference.references().equals(other.references());
        List<Row> rows = new ArrayList<>();
        String cell = reference.cell().id();
        for (String m : SuiteMetrics.ALL) {
            if (identical) {
                double d = other.value(m) - reference.value(m);
                rows.add(new Row(cell, otherConfiguration, referenceConfiguration, reference.sampleCount(), 0, m, d,
                        d, d, stamp.commit(), stamp.date()));
            } else {
                var r = org.pmpdrepro.metrics.PairedBootstrap.compare(reference.metric(m), other.metric(m), bootstrap);
                rows.add(new Row(cell, otherConfiguration, referenceConfiguration, reference.sampleCount(), changed, m,
                        r.observedDifference(), r.ciLower(), r.ciUpper(), stamp.commit(), stamp.date()));
            }
        }
        rows.add(scheduleRow(cell, otherConfiguration, referenceConfiguration, reference.sampleCount(), changed,
                "average_bits", other.averageBits() - reference.averageBits(), stamp));
        rows.add(scheduleRow(cell, otherConfiguration, referenceConfiguration, reference.sampleCount(), changed,
                "bytes_per_token", other.bytesPerToken() - reference.bytesPerToken(), stamp));
        return rows;
    }

    /**
     * The rows a check on another configuration measured: each metric's paired difference new − golden (0 where the
     * outputs were identical) and the schedule quantities' differences.
     */
    public static List<Row> rowsOf(CellVerdict verdict, DecodeConfiguration configuration) {
        return of(verdict, configuration, RunStamp.now());
    }

    static List<Row> of(CellVerdict verdict, DecodeConfiguration configuration, RunStamp stamp) {
        GoldenRow golden = verdict.golden().orElseThrow().row();
        List<Row> rows = new ArrayList<>();
        String cell = verdict.cell().id();
        int n = verdict.outcome().sampleCount();
        int changed = verdict.changed().size();
        for (MetricCheck c : verdict.checks()) {
            if (SuiteMetrics.ALL.contains(c.quantity())) {
                double d = c.actual() - c.expected();
                rows.add(c.paired().map(r -> new Row(cell, configuration, golden.configuration(), n, changed,
                        c.quantity(), r.observedDifference(), r.ciLower(), r.ciUpper(), stamp.commit(), stamp.date()))
                        .orElseGet(() -> new Row(cell, configuration, golden.configuration(), n, changed, c.quantity(),
                                d, d, d, stamp.commit(), stamp.date())));
            } else if (SCHEDULE_QUANTITIES.contains(c.quantity())) {
                rows.add(scheduleRow(cell, configuration, golden.configuration(), n, changed, c.quantity(),
                        c.actual() - c.expected(), stamp));
            }
        }
        return rows;
    }

    private static Row scheduleRow(String cell, DecodeConfiguration configuration, DecodeConfiguration reference,
            int samples, int changed, String quantity, double difference, RunStamp stamp) {
        // A back-bone that cannot account for its bytes gives NaN on both sides: nothing moved.
        double d = Double.isNaN(difference) ? 0 : difference;
        return new Row(cell, configuration, reference, samples, changed, quantity, d, d, d, stamp.commit(),
                stamp.date());
    }
}
