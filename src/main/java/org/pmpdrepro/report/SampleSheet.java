package org.pmpdrepro.report;

import java.util.List;

/** Renders the first samples of a cell, prompt, output and reference side by side, for a reader to judge. */
public final class SampleSheet {

    private SampleSheet() {}

    /** A standalone HTML page with the first {@code limit} of {@code samples} (all of them when fewer). */
    public static String html(String title, List<SampleText> samples, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("sample sheet '" + title + "': limit " + limit + ", expected >= 1");
        }
        StringBuilder b = new StringBuilder("<table class=\"samples\">\n<tr><th>sample</th><th>prompt</th>"
                + "<th>output</th><th>reference</th></tr>\n");
        List<SampleText> shown = samples.subList(0, Math.min(limit, samples.size()));
        for (SampleText s : shown) {
            b.append("<tr><td>").append(Html.escape(s.sample())).append("</td>")
                    .append(pre(s.prompt())).append(pre(s.output())).append(pre(s.reference())).append("</tr>\n");
        }
        b.append("</table>\n");
        if (shown.size() < samples.size()) {
            b.append("<p>").append(shown.size()).append(" of ").append(samples.size()).append(" samples shown.</p>\n");
        }
        return Html.page(title, b.toString());
    }

    private static String pre(String text) {
        return "<td><pre>" + Html.escape(text) + "</pre></td>";
    }
    /**
     * A standalone HTML page of the prompts whose output differs from the golden: id, golden text, new text and the
     * reference, for a reader to judge whether the change is a regression.
     *
     * @param changed each prompt as a {@link SampleText} whose {@code prompt} is the golden text and {@code output}
     *     the new text
     */
    public static String changed(String title, List<SampleText> changed) {
        StringBuilder b = new StringBuilder("<table class=\"changed\">\n<tr><th>sample</th><th>golden output</th>"
                + "<th>new output</th><th>reference</th></tr>\n");
        for (SampleText s : changed) {
            b.append("<tr><td>").append(Html.escape(s.sample())).append("</td>")
                    .append(pre(s.prompt())).append(pre(s.output())).append(pre(s.reference())).append("</tr>\n");
        }
        return Html.page(title, b.append("</table>\n").toString());
    }
}
