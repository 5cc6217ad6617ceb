package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TablesTest {

    private static final GoldenRef ROW = new GoldenRef("golden/ablation1.csv", 12);

    @Test
    void outcomeTableEscapesHtmlInNamesAndMarksFailingRows() {
        String html = OutcomeTable.html("cell <1>", List.of(
                new MetricOutcome("<script>x</script>", 0.31, 0.30, 0.29, 0.31, true, ROW, "exact"),
                new MetricOutcome("rougeL & co", 0.20, 0.30, 0.29, 0.31, false, ROW, "within <0.01>")));

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;x&lt;/script&gt;")
                .contains("rougeL &amp; co").contains("cell &lt;1&gt;")
                .contains("<tr class=\"fail\">").contains("FAIL").contains("golden/ablation1.csv:12")
                .contains("[0.2900, 0.3100]").contains("-0.1000").contains("within &lt;0.01&gt;");
    }

    @Test
    void outcomeWithoutGoldenRowShowsItAsMissing() {
        String md = OutcomeTable.markdown(List.of(
                new MetricOutcome("bleu", 12.5, Double.NaN, Double.NaN, Double.NaN, false, null, "")));
        assertThat(md).contains("| bleu | 12.5000 | – | – | – | FAIL |  | missing |");
    }

    @Test
    void aBandThatExcludesItsGoldenValueIsRefused() {
        assertThatThrownBy(() -> new MetricOutcome("bleu", 1, 5, 1, 2, true, ROW, "exact"))
                .hasMessageContaining("golden/ablation1.csv:12").hasMessageContaining("[1.0, 2.0]")
                .hasMessageContaining("5.0");
    }

    @Test
    void markdownCellsEscapePipesAndFoldLineBreaks() {
        String md = OutcomeTable.markdown(List.of(new MetricOutcome("a|b\nc", 1, 1, 0, 2, true, ROW, "")));
        assertThat(md.lines().toList().get(2)).startsWith("| a\\|b c |");
    }

    @Test
    void sampleSheetEscapesTextAndShowsOnlyTheFirstSamples() {
        List<SampleText> samples = List.of(
                new SampleText("1", "Summarise <pkg>", "a & b", "ref \"q\""),
                new SampleText("2", "p2", "o2", "r2"),
                new SampleText("3", "p3", "o3", "r3"));
        String html = SampleSheet.html("samples", samples, 2);

        assertThat(html).contains("Summarise &lt;pkg&gt;").contains("a &amp; b").contains("ref &quot;q&quot;")
                .contains("o2").doesNotContain("o3").contains("2 of 3 samples shown");
    }

    @Test
    void findingsTableListsEffectIntervalPValuesAndAgreementInHtmlAndMarkdown() {
        List<FindingRow> findings = List.of(finding(0.02, 0.01, 0.03, "yes"), finding(-0.02, -0.03, -0.01, "no"));
        assertThat(FindingsTable.markdown(findings)).contains(
                "| a1 | debsum 4>3 | PMPD <static> | none-high | rougeL | headline | 0.0200 | [0.0100, 0.0300] | 0.0140"
                        + " | 0.0010 | 0.0200 | yes | a1-static-keeps-high: supported |",
                "| no |");
        assertThat(FindingsTable.html("A1", findings)).contains("PMPD &lt;static&gt;").contains("<tr class=\"fail\">")
                .contains("significant effect in the claimed direction");
    }

    @Test
    void anEffectOutsideItsIntervalIsRefused() {
        assertThatThrownBy(() -> finding(0.5, 0.01, 0.03, "n/a"))
                .hasMessageContaining("rougeL").hasMessageContaining("0.5").hasMessageContaining("[0.01, 0.03]");
    }

    @Test
    void claimsPageShowsEachVerdictWithItsChartAndMarksAChangedVerdict() {
        ClaimRow held = claim("supported", "supported", 0.004, -0.002, 0.01);
        ClaimRow changed = claim("inconclusive", "supported", -0.001, -0.008, 0.006);
        String html = ClaimsTable.html("Claims of A1", List.of(held, changed));
        assertThat(html).contains("<svg").contains("class=\"threshold\"").contains("class=\"interval\"")
                .contains("<tr class=\"pass\">").contains("<tr class=\"fail\">")
                .contains("static − none-high");
        assertThat(ClaimsTable.markdown(List.of(held))).contains("| supported | supported | 0.0040 | [-0.0020,"
                + " 0.0100] | -0.0048 |");
    }

    @Test
    void theClaimChartPlacesTheIntervalAndTheThresholdOnOneAxisAndNotesAClaimWithoutInterval() {
        String svg = ClaimChart.svg(claim("supported", "", 0.004, -0.002, 0.01));
        double threshold = x(svg, "threshold");
        double lower = attribute(svg, "interval", "x1");
        double upper = attribute(svg, "interval", "x2");
        // The interval [-0.002, 0.01] lies right of the threshold -0.0048, with the estimate inside it.
        assertThat(lower).isGreaterThan(threshold);
        assertThat(upper).isGreaterThan(lower);
        assertThat(attribute(svg, "estimate", "cx")).isBetween(lower, upper);
        ClaimRow notRun = new ClaimRow("claim a1-static-beats-matched · debsum · 4>3", "s", "static − matched-static",
                "rougeL", "superior", Double.NaN, Double.NaN, Double.NaN, 0, "0", "not run", "",
                "not run: not in the grid");
        assertThat(ClaimChart.svg(notRun)).contains("not run: not in the grid").doesNotContain("class=\"interval\"");
    }

    private static double x(String svg, String cls) {
        return attribute(svg, cls, "x1");
    }

    private static double attribute(String svg, String cls, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("class=\"" + cls + "\"[^>]*? " + name
                + "=\"([-0-9.]+)\"").matcher(svg);
        assertThat(m.find()).as(cls + " " + name + " in " + svg).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static ClaimRow claim(String verdict, String expected, double estimate, double lo, double hi) {
        return new ClaimRow("claim a1-static-keeps-high · debsum · 4>3", "keeps the high precision's quality",
                "static − none-high", "rougeL", "non-inferior", estimate, lo, hi, -0.0048, "−0.25 × gap 0.0191",
                verdict, expected, "Holm-adjusted p = 0.01");
    }

    private static FindingRow finding(double effect, double lo, double hi, String agreement) {
        return new FindingRow("a1", "debsum 4>3", "PMPD <static>", "none-high", "rougeL", "headline", effect, lo, hi,
                0.014, 0.001, 0.02, agreement, "a1-static-keeps-high: supported");
    }
}
