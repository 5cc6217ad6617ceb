package org.pmpdrepro.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pmpdrepro.data.Task;

/**
 * One line per (task, system): the model's run and each baseline, with every metric in a fixed column order and
 * the task's own metrics marked. Renders as aligned text for a terminal and as a Markdown table.
 */
public final class SummaryTable {

    /** A table line. {@code tokensPerSecond} and {@code averageBits} are NaN for baselines. */
    public record Row(Task task, String system, String scoredAgainst, Map<String, Double> values,
            double tokensPerSecond, double averageBits) {

        public Row {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    private static final List<String> HEADER = List.of("task", "system", "scored against", "rougeL", "bertscore",
            "bleu", "sacrebleu", "tokens/s", "avg bits");

    private SummaryTable() {}

    public static List<Row> rows(List<TaskResult> results) {
        List<Row> rows = new ArrayList<>();
        for (TaskResult r : results) {
            TaskOutputs o = r.outputs();
            rows.add(new Row(r.task(), "model, " + o.plan(), r.scores().scoredAgainst(), r.scores().values(),
                    o.tokensPerSecond(), o.averageBits()));
            for (BaselineResult b : r.baselines()) {
                rows.add(new Row(r.task(), "baseline " + b.name(), b.scores().scoredAgainst(), b.scores().values(),
                        Double.NaN, Double.NaN));
            }
        }
        return rows;
    }

    /** Space-aligned columns; {@code *} marks the task's own metrics, {@code -} what was not computed. */
    public static String text(List<TaskResult> results) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row row : rows(results)) {
            cells.add(cells(row, Style.TEXT));
        }
        int[] width = new int[HEADER.size()];
        for (List<String> line : cells) {
            for (int c = 0; c < line.size(); c++) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : cells) {
            StringBuilder l = new StringBuilder();
            for (int c = 0; c < line.size(); c++) {
                String cell = line.get(c);
                // Text columns left-aligned, numbers right-aligned.
                l.append(c < 3 ? pad(cell, width[c], false) : pad(cell, width[c], true)).append("  ");
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
        out.append(legend("*"));
        return out.toString();
    }

    public static String markdown(List<TaskResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        out.append("|").append("---|".repeat(3)).append("---:|".repeat(HEADER.size() - 3)).append('\n');
        for (Row row : rows(results)) {
            out.append("| ").append(String.join(" | ", cells(row, Style.MARKDOWN))).append(" |\n");
        }
        out.append('\n').append(legend("Bold:"));
        return out.toString();
    }

    private enum Style { TEXT, MARKDOWN }

    private static String legend(String marker) {
        return marker + " the task's own metrics (debsum, debchat: rougeL, bertscore; debtrans: bleu, sacrebleu);"
                + " bleu 0-1, sacrebleu 0-100, - not computed\n";
    }

    private static List<String> cells(Row row, Style style) {
        List<String> c = new ArrayList<>();
        c.add(row.task().id());
        c.add(row.system());
        c.add(row.scoredAgainst());
        for (String metric : TaskScorer.ALL_METRICS) {
            Double v = row.values().get(metric);
            String s = v == null ? "-" : format(metric, v);
            boolean primary = v != null && row.task().metrics().contains(metric);
            c.add(switch (style) {
                // A trailing blank keeps the decimal points of marked and unmarked values aligned.
                case TEXT -> s + (primary ? "*" : " ");
                case MARKDOWN -> primary ? "**" + s + "**" : s;
            });
        }
        c.add(Double.isNaN(row.tokensPerSecond()) ? "-" : String.format(Locale.ROOT, "%.1f", row.tokensPerSecond()));
        c.add(Double.isNaN(row.averageBits()) ? "-" : String.format(Locale.ROOT, "%.2f", row.averageBits()));
        return c;
    }

    /** sacrebleu on its 0-100 scale with two decimals, the 0-1 metrics with four. */
    static String format(String metric, double value) {
        return String.format(Locale.ROOT, metric.equals("sacrebleu") ? "%.2f" : "%.4f", value);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
