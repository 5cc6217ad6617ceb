package org.pmpdrepro.report;

import java.util.List;

/** Renders an ablation's claims page: one row per claim instance with its verdict and its interval chart. */
public final class ClaimsTable {

    private ClaimsTable() {}

    /** A standalone HTML page; a verdict that differs from the expected one is marked like a failure. */
    public static String html(String title, List<ClaimRow> rows) {
        StringBuilder b = new StringBuilder("<p>Each claim is pre-registered in golden/claims.csv (criteria and"
                + " margins in golden/CLAIMS.md). The bar is the paired 95% interval of system − baseline, the dot its"
                + " estimate, the red line the threshold; the verdict uses one-sided tests at 0.025, Holm-adjusted"
                + " within the ablation's family.</p>\n<table class=\"claims\">\n<tr><th>claim</th><th>statement</th>"
                + "<th>verdict</th><th>expected</th><th>interval against threshold</th><th>evidence</th></tr>\n");
        for (ClaimRow r : rows) {
            boolean changed = !r.expected().isEmpty() && !r.expected().equals(r.verdict());
            b.append("<tr class=\"").append(changed ? "fail" : "pass").append("\"><td>")
                    .append(Html.escape(r.instance())).append("</td><td>").append(Html.escape(r.statement()))
                    .append("</td><td class=\"result\">").append(Html.escape(r.verdict())).append("</td><td>")
                    .append(Html.escape(r.expected().isEmpty() ? "–" : r.expected())).append("</td><td>")
                    .append(ClaimChart.svg(r)).append("</td><td>").append(Html.escape(r.evidence()))
                    .append("</td></tr>\n");
        }
        return Html.page(title, b.append("</table>\n").toString());
    }

    /** The same rows as GitHub-flavoured markdown, without charts. */
    public static String markdown(List<ClaimRow> rows) {
        StringBuilder b = new StringBuilder("| claim | verdict | expected | δ | 95% CI | threshold |\n"
                + "|---|---|---|---:|---|---:|\n");
        for (ClaimRow r : rows) {
            b.append("| ").append(Markdown.cell(r.instance())).append(" | ").append(r.verdict()).append(" | ")
                    .append(r.expected().isEmpty() ? "–" : r.expected()).append(" | ")
                    .append(Html.number(r.estimate(), 4)).append(" | [").append(Html.number(r.ciLower(), 4))
                    .append(", ").append(Html.number(r.ciUpper(), 4)).append("] | ")
                    .append(Html.number(r.threshold(), 4)).append(" |\n");
        }
        return b.toString();
    }
}
