package org.pmpdrepro.quant.haq;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.quant.LinearId;

/** A search log as CSV: one row per episode, then one column per matrix with its enforced width. */
public final class SearchLogCsv {

    private static final List<String> FIXED = List.of("episode", "phase", "noise", "reward", "mean_nll",
            "perplexity", "proposed_average_bits", "average_bits", "bytes");

    private SearchLogCsv() {}

    /** The CSV text of {@code log} over {@code matrices} (forward order). */
    public static String format(List<LinearId> matrices, List<EpisodeRecord> log) {
        List<String> header = new ArrayList<>(FIXED);
        matrices.forEach(id -> header.add(id.weightName()));
        StringWriter text = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(text, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            csv.printRecord(header);
            for (EpisodeRecord r : log) {
                if (r.bits().size() != matrices.size()) {
                    throw new IllegalArgumentException("episode " + r.episode() + " has " + r.bits().size()
                            + " widths; expected one per matrix, " + matrices.size());
                }
                List<Object> row = new ArrayList<>();
                row.add(r.episode());
                row.add(r.warmup() ? "warmup" : "explore");
                row.add(number(r.noise()));
                row.add(number(r.reward()));
                row.add(number(r.meanNll()));
                row.add(number(r.perplexity()));
                row.add(number(r.proposedAverageBits()));
                row.add(number(r.averageBits()));
                row.add(r.bytes());
                row.addAll(r.bits());
                csv.printRecord(row);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing CSV to memory cannot fail", e);
        }
        return text.toString();
    }

    /** Writes the log to {@code file} atomically. */
    public static void write(Path file, List<LinearId> matrices, List<EpisodeRecord> log) throws IOException {
        AtomicFiles.writeText(file, format(matrices, log));
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
