package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.data.Task;

/**
 * The paper's Table 1 layout: for each precision pair, one row per scheduler or baseline; per task its two metrics
 * and the average bit-width; then decode throughput. Rendered as markdown and as a long-format CSV.
 */
public final class PmpdTable {

    /** One cell's numbers. */
    public record Entry(Task task, String pair, String scheduler, Map<String, Double> metrics, double averageBits,
            double bytesPerToken, double tokensPerSecond, String note) {
        public Entry {
            metrics = Map.copyOf(metrics);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public void add(CellResult c) {
        Object note = c.parameters().get("note");
        entries.add(new Entry(c.outputs().task(), c.pair().label(), c.scheduler(), c.scores().values(),
                c.averageBits(), c.bytesPerToken(), c.tokensPerSecond(), note == null ? "" : note.toString()));
    }

    /** Adds the rows of a {@link #csv()} file (tables computed in several runs are merged this way). */
    public void addCsv(java.nio.file.Path file) throws java.io.IOException {
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file);
                org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.DEFAULT.builder()
                        .setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            for (org.apache.commons.csv.CSVRecord r : parser) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (String m : List.of("rougeL", "bertscore", "bleu", "sacrebleu")) {
                    String v = r.get(m);
                    if (!v.isEmpty()) {
                        metrics.put(m, parse(file, r, m));
                    }
                }
                entries.add(new Entry(Task.fromId(r.get("task")), r.get("pair"), r.get("scheduler"), metrics,
                        parse(file, r, "average_bits"), parse(file, r, "bytes_per_token"),
                        parse(file, r, "tokens_per_second"), r.get("note")));
            }
        }
    }

    private static double parse(java.nio.file.Path file, org.apache.commons.csv.CSVRecord r, String column) {
        String v = r.get(column);
        try {
            return v.equals("NaN") ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + (r.getRecordNumber() + 1) + ": column '" + column
                    + "' is '" + v + "'; expected a number", e);
        }
    }

    /** Orders rows by {@code schedulerOrder} (unknown names last), keeping the order of pairs and tasks. */
    public void sortSchedulers(List<String> schedulerOrder) {
        entries.sort(java.util.Comparator.comparingInt(e -> {
            int i = schedulerOrder.indexOf(e.scheduler());
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        Set<String> pairs = new LinkedHashSet<>();
        entries.forEach(e -> pairs.add(e.pair()));
        List<Task> tasks = List.of(Task.DEBSUM, Task.DEBCHAT, Task.DEBTRANS);
        for (String pair : pairs) {
            out.append("### ").append(pair).append("\n\n| scheduler |");
            StringBuilder rule = new StringBuilder("|---|");
            for (Task t : tasks) {
                for (String m : t.metrics()) {
                    out.append(' ').append(t.id()).append(' ').append(m).append(" |");
                    rule.append("---:|");
                }
                out.append(' ').append(t.id()).append(" bits |");
                rule.append("---:|");
            }
            out.append(" tokens/s |\n").append(rule).append("---:|\n");
            Map<String, Map<Task, Entry>> rows = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (e.pair().equals(pair)) {
                    rows.computeIfAbsent(e.scheduler(), k -> new LinkedHashMap<>()).put(e.task(), e);
                }
            }
            for (Map.Entry<String, Map<Task, Entry>> row : rows.entrySet()) {
                out.append("| ").append(row.getKey()).append(" |");
                double tps = 0;
                int n = 0;
                for (Task t : tasks) {
                    Entry e = row.getValue().get(t);
                    for (String m : t.metrics()) {
                        out.append(' ').append(e == null ? "–" : metric(m, e.metrics().get(m))).append(" |");
                    }
                    out.append(' ').append(e == null ? "–" : fmt("%.2f", e.averageBits())).append(" |");
                    if (e != null) {
                        tps += e.tokensPerSecond();
                        n++;
                    }
                }
                out.append(' ').append(n == 0 ? "–" : fmt("%.0f", tps / n)).append(" |\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    public String csv() {
        StringBuilder out = new StringBuilder(
                "task,pair,scheduler,rougeL,bertscore,bleu,sacrebleu,average_bits,bytes_per_token,tokens_per_second,note\n");
        for (Entry e : entries) {
            out.append(e.task().id()).append(',').append(e.pair()).append(',').append(e.scheduler());
            for (String m : List.of("rougeL", "bertscore", "bleu", "sacrebleu")) {
                Double v = e.metrics().get(m);
                out.append(',').append(v == null ? "" : fmt("%.6f", v));
            }
            out.append(',').append(fmt("%.4f", e.averageBits())).append(',').append(fmt("%.0f", e.bytesPerToken()))
                    .append(',').append(fmt("%.1f", e.tokensPerSecond())).append(",\"")
                    .append(e.note().replace("\"", "\"\"")).append("\"\n");
        }
        return out.toString();
    }

    private static String metric(String name, Double v) {
        if (v == null) {
            return "–";
        }
        return name.equals("sacrebleu") ? fmt("%.2f", v) : fmt("%.4f", v);
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }
}
