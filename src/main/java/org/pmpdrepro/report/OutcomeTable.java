package org.pmpdrepro.report;

import java.util.List;

/**
 * Renders a cell's quantities against their goldens and accepted ranges, as HTML for the report and markdown for
 * text.
 */
public final class OutcomeTable {

    private static final int DECIMALS = 4;

    private OutcomeTable() {}

    /** A standalone HTML page with one row per metric; failing rows are marked. */
    public static String html(String title, List<MetricOutcome> outcomes) {
        StringBuilder b = new StringBuilder("<table class=\"outcomes\">\n<tr><th>quantity</th><th>value</th>"
                + "<th>golden</th><th>accepted</th><th>deviation</th><th>result</th><th>rule</th><th>golden row</th>"
                + "</tr>\n");
        for (MetricOutcome o : outcomes) {
            b.append("<tr class=\"").append(o.pass() ? "pass" : "fail").append("\"><td>")
                    .append(Html.escape(o.metric())).append("</td>")
                    .append(numberCell(o.value()))
                    .append(numberCell(o.golden()))
                    .append("<td class=\"num\">").append(Html.escape(accepted(o))).append("</td>")
                    .append(numberCell(o.deviation()))
                    .append("<td class=\"result\">").append(o.pass() ? "pass" : "FAIL").append("</td><td>")
                    .append(Html.escape(o.rule())).append("</td><td>")
                    .append(o.goldenRow() == null ? "missing" : Html.escape(o.goldenRow().label()))
                    .append("</td></tr>\n");
        }
        return Html.page(title, b.append("</table>\n").toString());
    }

    /** The same table as GitHub-flavoured markdown (pipes in names escaped). */
    public static String markdown(List<MetricOutcome> outcomes) {
        StringBuilder b = new StringBuilder(
                "| quantity | value | golden | accepted | deviation | result | rule | golden row |\n"
                        + "|---|---:|---:|---|---:|---|---|---|\n");
        for (MetricOutcome o : outcomes) {
            b.append("| ").append(Markdown.cell(o.metric()))
                    .append(" | ").append(Html.number(o.value(), DECIMALS))
                    .append(" | ").append(Html.number(o.golden(), DECIMALS))
                    .append(" | ").append(accepted(o))
                    .append(" | ").append(Html.number(o.deviation(), DECIMALS))
                    .append(" | ").append(o.pass() ? "pass" : "FAIL")
                    .append(" | ").append(Markdown.cell(o.rule()))
                    .append(" | ").append(o.goldenRow() == null ? "missing" : Markdown.cell(o.goldenRow().label()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String accepted(MetricOutcome o) {
        if (o.goldenRow() == null) {
            return "–";
        }
        return "[" + Html.number(o.lower(), DECIMALS) + ", " + Html.number(o.upper(), DECIMALS) + "]";
    }

    private static String numberCell(double v) {
        return "<td class=\"num\">" + Html.number(v, DECIMALS) + "</td>";
    }
}
