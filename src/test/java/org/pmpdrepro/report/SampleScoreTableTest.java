package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SampleScoreTableTest {

    @Test
    void csvRoundTripGivesTheSameSamplesAndTheSameDoubles() throws IOException {
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        scores.put("rougeL", List.of(0.1, 1e-300, 0.0));
        scores.put("bleu \"sacre\", 13a", List.of(33.333333333333336, Double.NaN, 100.0));
        SampleScoreTable table = SampleScoreTable.of(List.of("pkg-a", "with,comma", "line\nbreak \"q\""), scores);

        SampleScoreTable back = SampleScoreTable.parse("scores.csv", table.toCsv());

        assertThat(back).isEqualTo(table);
        assertThat(table.toCsv()).startsWith("sample,rougeL,\"bleu \"\"sacre\"\", 13a\"\n");
    }

    @Test
    void aCellThatIsNotANumberIsReportedWithLineAndColumn() {
        String csv = "sample,rougeL,bleu\na,0.5,1.0\nb,0.25,oops\n";
        assertThatThrownBy(() -> SampleScoreTable.parse("cell.csv", csv))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cell.csv: line 3, column 3 (bleu): 'oops' is not a number");
    }

    @Test
    void aHeaderWithoutTheSampleColumnIsRefused() {
        assertThatThrownBy(() -> SampleScoreTable.parse("x.csv", "id,rougeL\na,1\n"))
                .hasMessageContaining("x.csv: line 1").hasMessageContaining("'sample'");
    }

    @Test
    void aRowWithTooFewScoresOrARepeatedSampleIsRefused() {
        assertThatThrownBy(() -> new SampleScoreTable(List.of("a", "b"),
                List.of(new SampleScoreTable.Row("s", List.of(1.0)))))
                .hasMessageContaining("'s' has 1 scores");
        assertThatThrownBy(() -> new SampleScoreTable(List.of("a"),
                List.of(new SampleScoreTable.Row("s", List.of(1.0)), new SampleScoreTable.Row("s", List.of(2.0)))))
                .hasMessageContaining("'s' appears twice");
    }
}
