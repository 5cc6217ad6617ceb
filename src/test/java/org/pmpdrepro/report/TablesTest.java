package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {

    private static final GoldenRef ROW = new GoldenRef("golden/ablation1.csv", 12);

    @Test
    void outcomeTableEscapesHtmlInNamesAndMarksFailingRows() {
        String html = OutcomeTable.html("cell <1>", List.of(
                new MetricOutcome("<script>x</script>", 0.31, 0.30, 0.29, 0.31, true, ROW),
                new MetricOutcome("rougeL & co", 0.20, 0.30, 0.29, 0.31, false, ROW)));

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;x&lt;/script&gt;")
                .contains("rougeL &amp; co").contains("cell &lt;1&gt;")
                .contains("<tr class=\"fail\">").contains("FAIL").contains("golden/ablation1.csv:12")
                .contains("[0.2900, 0.3100]").contains("-0.1000");
    }

    @Test
    void outcomeWithoutGoldenRowShowsItAsMissing() {
        String md = OutcomeTable.markdown(List.of(
                new MetricOutcome("bleu", 12.5, Double.NaN, Double.NaN, Double.NaN, false, null)));
        assertThat(md).contains("| bleu | 12.5000 | – | – | – | FAIL | missing |");
    }

    @Test
    void aBandThatExcludesItsGoldenValueIsRefused() {
        assertThatThrownBy(() -> new MetricOutcome("bleu", 1, 5, 1, 2, true, ROW))
                .hasMessageContaining("golden/ablation1.csv:12").hasMessageContaining("[1.0, 2.0]")
                .hasMessageContaining("5.0");
    }

    @Test
    void markdownCellsEscapePipesAndFoldLineBreaks() {
        String md = OutcomeTable.markdown(List.of(new MetricOutcome("a|b\nc", 1, 1, 0, 2, true, ROW)));
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
    void findingAgreesOnlyWhenItsIntervalExcludesZeroOnThePapersSide() {
        assertThat(finding(0.02, 0.01, 0.03, Finding.Direction.TREATMENT_HIGHER).agreement())
                .isEqualTo(Finding.Agreement.AGREES);
        assertThat(finding(-0.02, -0.03, -0.01, Finding.Direction.TREATMENT_HIGHER).agreement())
                .isEqualTo(Finding.Agreement.DISAGREES);
        assertThat(finding(0.01, -0.01, 0.03, Finding.Direction.TREATMENT_HIGHER).agreement())
                .isEqualTo(Finding.Agreement.NOT_SIGNIFICANT);
        assertThat(finding(0.02, 0.01, 0.03, Finding.Direction.NONE).agreement())
                .isEqualTo(Finding.Agreement.NO_CLAIM);
    }

    @Test
    void findingsTableListsEffectIntervalAndAgreementInHtmlAndMarkdown() {
        List<Finding> findings = List.of(finding(0.02, 0.01, 0.03, Finding.Direction.TREATMENT_HIGHER),
                finding(-0.02, -0.03, -0.01, Finding.Direction.TREATMENT_HIGHER));
        assertThat(FindingsTable.markdown(findings)).contains(
                "| A1 | debsum | PMPD <static> | none-matched | rougeL | 0.0200 | [0.0100, 0.0300] | treatment higher"
                        + " | agrees |",
                "| disagrees |");
        assertThat(FindingsTable.html("A1", findings)).contains("PMPD &lt;static&gt;").contains("<tr class=\"fail\">");
    }

    @Test
    void anEffectOutsideItsIntervalIsRefused() {
        assertThatThrownBy(() -> finding(0.5, 0.01, 0.03, Finding.Direction.NONE))
                .hasMessageContaining("rougeL").hasMessageContaining("0.5").hasMessageContaining("[0.01, 0.03]");
    }

    private static Finding finding(double effect, double lo, double hi, Finding.Direction paper) {
        return new Finding("A1", "debsum", "PMPD <static>", "none-matched", "rougeL", effect, lo, hi, paper);
    }
}
