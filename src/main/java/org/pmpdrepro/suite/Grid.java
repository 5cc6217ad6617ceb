package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.io.AtomicFiles;

/**
 * The ablation grid: every cell the suite runs, in a committed CSV file ({@code golden/grid.csv}) with the header
 * {@code ablation,task,backbone,pair,scheduler}. The file, not code, is the authority on what runs;
 * {@link #design()} is how it was generated, and a test keeps the two equal.
 */
public record Grid(List<Cell> cells) {

    /** Where the grid lives relative to the repository root. */
    public static final Path DEFAULT_FILE = Path.of("golden", "grid.csv");

    static final String[] HEADER = {"ablation", "task", "backbone", "pair", "scheduler"};

    /**
     * A1's schedulers: PMPD's two, the no-switching arms, the per-matrix mixes at each one's measured bits, and the
     * random and confidence baselines fitted to the static scheduler's bits (the names of {@code claims.csv}).
     */
    public static final List<String> A1_SCHEDULERS = List.of("static", "learned", "none-high", "none-low",
            "phase-aware-only", "matched-static", "matched-learned", "random-uniform-matched",
            "random-label-prior-matched", "confidence-matched");
    /** A2's back-bones, the paper's first. */
    public static final List<String> A2_BACKBONES = List.of("any-precision", "gptq", "haq", "bit-mixer");
    /** A2's schedulers: PMPD's two (each back-bone's own fit), with the fixed high precision as its reference. */
    public static final List<String> A2_SCHEDULERS = List.of("static", "learned", "none-high");
    /**
     * A2's extra arms of one back-bone: Bit-Mixer, built to run a width per layer, running the per-matrix mix at its
     * own static scheduler's bits.
     */
    public static final Map<String, List<String>> A2_EXTRA = Map.of("bit-mixer", List.of("matched-static"));
    public static final List<BitWidthPair> PAIRS = List.of(new BitWidthPair(4, 3), new BitWidthPair(3, 2));

    public Grid {
        cells = List.copyOf(cells);
        Set<String> ids = new LinkedHashSet<>();
        for (Cell c : cells) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("grid lists cell " + c.id() + " twice");
            }
        }
    }

    /** The cells DESIGN.md section 2 asks for, in a stable order. */
    public static Grid design() {
        List<Cell> cells = new ArrayList<>();
        for (Task task : Task.values()) {
            for (BitWidthPair pair : PAIRS) {
                for (String s : A1_SCHEDULERS) {
                    cells.add(new Cell(Ablation.REMOVE_PRECISION_SWITCHING, task, "any-precision", pair, s));
                }
            }
        }
        for (Task task : Task.values()) {
            for (BitWidthPair pair : PAIRS) {
                for (String b : A2_BACKBONES) {
                    for (String s : A2_SCHEDULERS) {
                        cells.add(new Cell(Ablation.REPLACE_PTQ_METHOD, task, b, pair, s));
                    }
                    for (String s : A2_EXTRA.getOrDefault(b, List.of())) {
                        cells.add(new Cell(Ablation.REPLACE_PTQ_METHOD, task, b, pair, s));
                    }
                }
            }
        }
        return new Grid(cells);
    }

    /** The cells of one ablation, in grid order. */
    public List<Cell> of(Ablation ablation) {
        return cells.stream().filter(c -> c.ablation() == ablation).toList();
    }

    /** Reads a grid file; an error names the file, line and column of anything malformed. */
    public static Grid read(Path file) {
        try (Reader reader = CsvFiles.text(file)) {
            return parse(reader, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no grid file " + file + "; expected a CSV with header "
                    + String.join(",", HEADER), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read grid " + file, e);
        }
    }

    static Grid parse(Reader reader, String name) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        List<Cell> cells = new ArrayList<>();
        Map<String, Long> lines = new HashMap<>();
        try (CSVParser parser = CsvFiles.parse(reader, format, name)) {
            CsvFiles.requireHeader(parser, HEADER, name);
            for (CsvFiles.Row r : CsvFiles.records(parser, name)) {
                CsvFiles.requireConsistent(r, HEADER, name);
                Ablation ablation = CsvFiles.field(r, "ablation", name, "a1 or a2", Ablation::fromId);
                Task task = CsvFiles.field(r, "task", name, "debsum, debtrans or debchat", Task::fromId);
                BitWidthPair pair = CsvFiles.field(r, "pair", name, "HIGH>LOW bits such as 4>3",
                        BitWidthPair::parse);
                String backbone = r.get("backbone");
                String scheduler = r.get("scheduler");
                Cell cell = CsvFiles.field(r, "scheduler", name, "lower-case names of letters, digits and '-'",
                        s -> new Cell(ablation, task, backbone, pair, scheduler));
                Long previous = lines.putIfAbsent(cell.id(), r.line());
                if (previous != null) {
                    throw new MalformedFileException(name, r.line(), "", "cell " + cell.id() + " repeats line "
                            + previous + "; expected each cell once");
                }
                cells.add(cell);
            }
        }
        return new Grid(cells);
    }

    /** Writes the grid atomically. */
    public void write(Path file) throws IOException {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CsvFiles.writeFormat(HEADER))) {
            for (Cell c : cells) {
                printer.printRecord(c.ablation().id(), c.task().id(), c.backbone(), c.pair(), c.scheduler());
            }
        }
        AtomicFiles.writeText(file, out.toString());
    }
}
