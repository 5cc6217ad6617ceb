package org.pmpdrepro.report;

import java.util.List;

/**
 * Renders an ablation's findings: each effect with its interval, raw and Holm-adjusted p-values, minimum detectable
 * effect, and whether it agrees with the paper.
 */
public final class FindingsTable {

    private static final int DECIMALS = 4;

    private FindingsTable() {}

    /** A standalone HTML page; rows that disagree with the paper are marked like failures. */
    public static String html(String title, List<FindingRow> findings) {
        StringBuilder b = new StringBuilder("<p>Agreement is \"yes\" only for a significant effect in the claimed"
                + " direction (Holm-adjusted over the ablation's headline findings) or a shown non-inferiority (a"
                + " pre-registered claim's verdict); otherwise \"inconclusive\". Secondary metrics and BLEU (equal to"
                + " SacreBLEU / 100 here) are described, not tested.</p>\n<table class=\"findings\">\n"
                + "<tr><th>ablation</th><th>task</th><th>treatment</th><th>control</th><th>metric</th><th>role</th>"
                + "<th>effect</th><th>95% CI</th><th>MDE (80%)</th><th>p</th><th>p (Holm)</th><th>agrees</th>"
                + "<th>claim</th></tr>\n");
        for (FindingRow f : findings) {
            b.append("<tr class=\"").append(f.disagrees() ? "fail" : "pass").append("\">")
                    .append(cell(f.ablation())).append(cell(f.task())).append(cell(f.treatment()))
                    .append(cell(f.control())).append(cell(f.metric())).append(cell(f.role()))
                    .append(num(f.effect())).append("<td class=\"num\">").append(interval(f)).append("</td>")
                    .append(num(f.mde())).append(num(f.pValue())).append(num(f.pHolm()))
                    .append("<td class=\"result\">").append(Html.escape(f.agreement())).append("</td>")
                    .append(cell(f.claim())).append("</tr>\n");
        }
        return Html.page(title, b.append("</table>\n").toString());
    }

    /** The same table as GitHub-flavoured markdown, for {@code docs/results.md}. */
    public static String markdown(List<FindingRow> findings) {
        StringBuilder b = new StringBuilder("| ablation | task | treatment | control | metric | role | effect | 95% CI"
                + " | MDE | p | p (Holm) | agrees | claim |\n|---|---|---|---|---|---|---:|---|---:|---:|---:|---|---|\n");
        for (FindingRow f : findings) {
            b.append("| ").append(Markdown.cell(f.ablation()))
                    .append(" | ").append(Markdown.cell(f.task()))
                    .append(" | ").append(Markdown.cell(f.treatment()))
                    .append(" | ").append(Markdown.cell(f.control()))
                    .append(" | ").append(Markdown.cell(f.metric()))
                    .append(" | ").append(Markdown.cell(f.role()))
                    .append(" | ").append(Html.number(f.effect(), DECIMALS))
                    .append(" | ").append(interval(f))
                    .append(" | ").append(Html.number(f.mde(), DECIMALS))
                    .append(" | ").append(Html.number(f.pValue(), DECIMALS))
                    .append(" | ").append(Html.number(f.pHolm(), DECIMALS))
                    .append(" | ").append(Markdown.cell(f.agreement()))
                    .append(" | ").append(Markdown.cell(f.claim()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String interval(FindingRow f) {
        return "[" + Html.number(f.ciLower(), DECIMALS) + ", " + Html.number(f.ciUpper(), DECIMALS) + "]";
    }

    private static String num(double v) {
        return "<td class=\"num\">" + Html.number(v, DECIMALS) + "</td>";
    }

    private static String cell(String text) {
        return "<td>" + Html.escape(text) + "</td>";
    }
}
