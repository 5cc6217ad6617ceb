package org.pmpdrepro.report;

import java.util.List;
import java.util.Locale;

/** Renders an ablation's findings: each effect with its interval and whether it agrees with the paper. */
public final class FindingsTable {

    private static final int DECIMALS = 4;

    private FindingsTable() {}

    /** A standalone HTML page; rows that disagree with the paper are marked like failures. */
    public static String html(String title, List<Finding> findings) {
        StringBuilder b = new StringBuilder("<table class=\"findings\">\n<tr><th>ablation</th><th>task</th>"
                + "<th>treatment</th><th>control</th><th>metric</th><th>effect</th><th>95% CI</th>"
                + "<th>paper</th><th>agreement</th></tr>\n");
        for (Finding f : findings) {
            boolean disagrees = f.agreement() == Finding.Agreement.DISAGREES;
            b.append("<tr class=\"").append(disagrees ? "fail" : "pass").append("\">")
                    .append(cell(f.ablation())).append(cell(f.task())).append(cell(f.treatment()))
                    .append(cell(f.control())).append(cell(f.metric()))
                    .append("<td class=\"num\">").append(Html.number(f.effect(), DECIMALS)).append("</td>")
                    .append("<td class=\"num\">").append(interval(f)).append("</td>")
                    .append(cell(direction(f.paper()))).append("<td class=\"result\">")
                    .append(agreement(f.agreement())).append("</td></tr>\n");
        }
        return Html.page(title, b.append("</table>\n").toString());
    }

    /** The same table as GitHub-flavoured markdown, for the README. */
    public static String markdown(List<Finding> findings) {
        StringBuilder b = new StringBuilder("| ablation | task | treatment | control | metric | effect | 95% CI"
                + " | paper | agreement |\n|---|---|---|---|---|---:|---|---|---|\n");
        for (Finding f : findings) {
            b.append("| ").append(Markdown.cell(f.ablation()))
                    .append(" | ").append(Markdown.cell(f.task()))
                    .append(" | ").append(Markdown.cell(f.treatment()))
                    .append(" | ").append(Markdown.cell(f.control()))
                    .append(" | ").append(Markdown.cell(f.metric()))
                    .append(" | ").append(Html.number(f.effect(), DECIMALS))
                    .append(" | ").append(interval(f))
                    .append(" | ").append(direction(f.paper()))
                    .append(" | ").append(agreement(f.agreement()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String interval(Finding f) {
        return "[" + Html.number(f.ciLower(), DECIMALS) + ", " + Html.number(f.ciUpper(), DECIMALS) + "]";
    }

    private static String direction(Finding.Direction d) {
        return switch (d) {
            case TREATMENT_HIGHER -> "treatment higher";
            case CONTROL_HIGHER -> "control higher";
            case NONE -> "no claim";
        };
    }

    private static String agreement(Finding.Agreement a) {
        return a.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String cell(String text) {
        return "<td>" + Html.escape(text) + "</td>";
    }
}
