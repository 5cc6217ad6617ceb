package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.io.AtomicFiles;

/**
 * The committed expected verdict of every claim instance ({@code golden/claim-verdicts.csv}), written by update mode
 * like the goldens and held against each run's verdicts. Only {@code verdict} is compared; the other columns record
 * the evidence it was reached on, so that a reviewer of a changed verdict sees both.
 */
public final class ExpectedVerdicts {

    /** Beside the goldens. */
    public static final String FILE_NAME = "claim-verdicts.csv";

    static final String[] HEADER = {"claim", "task", "pair", "verdict", "difference", "ci95_lower", "ci95_upper",
            "threshold", "p_criterion_holm", "p_contradiction_holm", "mde80", "family", "reason", "commit", "date"};

    /** One expected verdict and the line it was read from. */
    public record Expected(String key, ClaimVerdict verdict, String family, Path file, long line) {
        public String where() {
            return file + ":" + line;
        }
    }

    private final Path file;
    private final Map<String, Expected> rows;
    private final Map<String, List<String>> records;

    private ExpectedVerdicts(Path file, Map<String, Expected> rows, Map<String, List<String>> records) {
        this.file = file;
        this.rows = rows;
        this.records = records;
    }

    /** The expected-verdicts file beside a golden CSV. */
    public static Path besides(Path goldenFile) {
        Path dir = goldenFile.toAbsolutePath().getParent();
        return dir.resolve(FILE_NAME);
    }

    /** Reads {@code file}, or no rows when it does not exist (each instance then fails saying how to record it). */
    public static ExpectedVerdicts readOrEmpty(Path file) {
        if (!Files.exists(file)) {
            return new ExpectedVerdicts(file, new LinkedHashMap<>(), new TreeMap<>());
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file);
        } catch (NoSuchFileException e) {
            return new ExpectedVerdicts(file, new LinkedHashMap<>(), new TreeMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read expected verdicts " + file, e);
        }
    }

    static ExpectedVerdicts parse(Reader reader, Path file) throws IOException {
        String name = file.toString();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        Map<String, Expected> rows = new LinkedHashMap<>();
        Map<String, List<String>> records = new TreeMap<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                String key = r.get("claim") + "/" + r.get("task") + "/" + r.get("pair");
                ClaimVerdict v = CsvFiles.field(r, "verdict", name,
                        "supported, contradicted, inconclusive or not run", ClaimVerdict::parse);
                if (rows.put(key, new Expected(key, v, r.get("family"), file, r.line())) != null) {
                    throw new MalformedFileException(name, r.line(), "claim", "instance " + key
                            + " is listed twice; expected one row per claim, task and pair");
                }
                records.put(key, r.record().toList());
            }
        }
        return new ExpectedVerdicts(file, rows, records);
    }

    public Path file() {
        return file;
    }

    public Optional<Expected> find(ClaimInstance instance) {
        return Optional.ofNullable(rows.get(instance.id()));
    }

    public int size() {
        return rows.size();
    }

    /**
     * Writes {@code results} over the rows of the same instances, keeping the others, sorted by instance; returns
     * one line per verdict that changed or is new.
     */
    public static List<String> update(Path file, Collection<ClaimResult> results, RunStamp stamp) throws IOException {
        ExpectedVerdicts current = readOrEmpty(file);
        Map<String, List<String>> merged = new TreeMap<>(current.records);
        List<String> diff = new ArrayList<>();
        for (ClaimResult r : results) {
            ClaimInstance i = r.instance();
            Optional<Expected> before = current.find(i);
            if (before.isEmpty()) {
                diff.add("+ " + i.id() + ": " + r.verdict().id());
            } else if (before.get().verdict() != r.verdict()) {
                diff.add("~ " + i.id() + ": " + before.get().verdict().id() + " -> " + r.verdict().id());
            }
            merged.put(i.id(), List.of(i.claim().id(), i.task().id(), i.pair().toString(), r.verdict().id(),
                    num(r.difference()), num(r.ciLower()), num(r.ciUpper()), num(r.threshold()),
                    num(r.pCriterionHolm()), num(r.pContradictionHolm()), num(r.minimumDetectableEffect()),
                    r.familyDescription(), r.reason(), stamp.commit(), stamp.date()));
        }
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (List<String> record : merged.values()) {
                p.printRecord(record);
            }
        }
        AtomicFiles.writeText(file, out.toString());
        return diff;
    }

    private static String num(double v) {
        return Double.toString(v);
    }
}
