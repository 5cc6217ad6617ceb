package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

/** Reads the pre-registered claims, {@code golden/claims.csv}; anything malformed names file, line and column. */
public final class ClaimsFile {

    /** Where the claims live relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("golden", "claims.csv");

    static final String[] HEADER = {"claim", "ablation", "system", "baseline", "metric", "criterion", "margin",
            "statement"};

    private ClaimsFile() {}

    public static List<Claim> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("claims file " + file + " does not exist; expected a CSV with header "
                    + String.join(",", HEADER) + " (golden/CLAIMS.md)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read claims file " + file, e);
        }
    }

    static List<Claim> parse(Reader reader, String name) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        List<Claim> claims = new ArrayList<>();
        Map<String, Long> lines = new HashMap<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                String id = CsvFiles.field(r, "claim", name, "a lower-case id of letters, digits and '-'", v -> {
                    if (!v.matches("[a-z0-9][a-z0-9-]*")) {
                        throw new IllegalArgumentException("not an id");
                    }
                    return v;
                });
                Long before = lines.put(id, r.line());
                if (before != null) {
                    throw new MalformedFileException(name, r.line(), "claim", "claim " + id + " repeats line " + before
                            + "; expected each claim once");
                }
                Ablation ablation = CsvFiles.field(r, "ablation", name, "a1 or a2", Ablation::fromId);
                Claim.Measure measure = CsvFiles.field(r, "metric", name, "headline or resident_bytes",
                        Claim.Measure::parse);
                Claim.Criterion criterion = CsvFiles.field(r, "criterion", name, "non-inferior, superior or less",
                        Claim.Criterion::parse);
                Claim.Margin margin = CsvFiles.field(r, "margin", name, "0 or a fraction of the gap such as 0.25*gap",
                        Claim.Margin::parse);
                String system = name(r, "system", name);
                String baseline = name(r, "baseline", name);
                claims.add(CsvFiles.field(r, "criterion", name, "a criterion consistent with metric and margin",
                        v -> new Claim(id, ablation, system, baseline, measure, criterion, margin,
                                r.get("statement").strip())));
            }
        }
        return List.copyOf(claims);
    }

    private static String name(CsvFiles.Row r, String column, String name) {
        return CsvFiles.field(r, column, name, "an arm name of lower-case letters, digits and '-'", v -> {
            if (!v.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("not an arm name");
            }
            return v;
        });
    }
}
