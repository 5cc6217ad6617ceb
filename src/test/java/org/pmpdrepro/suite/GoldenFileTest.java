package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenFileTest {

    static final String HEADER = String.join(",", GoldenFile.HEADER) + "\n";

    static GoldenRow row(String cell, String metric, double expected, double abs) {
        return new GoldenRow(cell.substring(0, 2), cell, metric, expected, abs, 0, 0, 0.01, GoldenRow.Source.RUN,
                "cpu()", "fake 1", "m", "f", "abc", "2026-11-29", 8);
    }

    static String line(String ablation, String cell, String metric, String expected, String abs) {
        return ablation + "," + cell + "," + metric + "," + expected + "," + abs
                + ",0,0,0.01,run,cpu(),fake 1,m,f,abc,2026-11-29,8\n";
    }

    @Test
    void rowsSurviveWritingAndReadingBitForBit(@TempDir Path dir) throws Exception {
        GoldenRow a = row("a1/debsum/any-precision/4>3/none-high", "rougeL", 0.1 + 0.2, 1e-3);
        GoldenRow b = row("a1/debsum/any-precision/4>3/none-high", "sacrebleu", 12.345678901234567, 0.25);
        GoldenFile written = GoldenFile.empty(dir.resolve("g.csv")).withRows(List.of(b, a)).write();
        assertThat(written.rows()).extracting(GoldenFile.Located::row).containsExactly(a, b);
        assertThat(written.find(a.cell(), "rougeL").orElseThrow().line()).isEqualTo(2);
        assertThat(Files.list(dir)).containsExactly(dir.resolve("g.csv"));
    }

    @Test
    void aMissingFileIsAnErrorNamingThePathWhereGoldensAreRead(@TempDir Path dir) {
        Path typo = dir.resolve("ablation-goldns.csv");
        assertThatThrownBy(() -> GoldenFile.read(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("golden file " + typo + " does not exist")
                .hasMessageContaining("-Dpmpd.golden").hasMessageContaining("-Dgolden.update=true");
    }

    @Test
    void aMissingFileIsAnEmptyGoldenSetOnlyForAnUpdateThatCreatesIt(@TempDir Path dir) {
        assertThat(GoldenFile.readOrEmpty(dir.resolve("absent.csv")).size()).isZero();
    }

    @Test
    void aMalformedNumberNamesFileLineColumnValueAndTheExpectedForm(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, HEADER + line("a1", "a1/debsum/any-precision/4>3/none-high", "rougeL", "0.2", "0.01")
                + line("a1", "a1/debsum/any-precision/4>3/none-high", "bleu", "0.2x", "0.01"));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(f + ": line 3, column 'expected'").hasMessageContaining("'0.2x'")
                .hasMessageContaining("a finite decimal number");
    }

    @Test
    void negativeTolerancesUnknownMetricsAndRepeatedRowsAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        String cell = "a1/debsum/any-precision/4>3/none-high";
        Map<String, String> cases = Map.of(
                line("a1", cell, "rougeL", "0.2", "-1"), "column 'abs_tolerance'",
                line("a1", cell, "chrf", "0.2", "0.1"), "column 'metric'",
                line("a2", cell, "rougeL", "0.2", "0.1"), "column 'cell'",
                line("a1", cell, "rougeL", "0.2", "0.1") + line("a1", cell, "rougeL", "0.3", "0.1"), "repeats line 2");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(f, HEADER + c.getKey());
            assertThatThrownBy(() -> GoldenFile.read(f)).as(c.getKey()).isInstanceOf(MalformedFileException.class)
                    .hasMessageContaining(c.getValue());
        }
    }

    @Test
    void aWrongHeaderAShortLineAndBrokenQuotingAreRefusedWithTheirLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, "ablation,cell,metric,value\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).hasMessageContaining("line 1").hasMessageContaining("expected "
                + String.join(",", GoldenFile.HEADER));
        Files.writeString(f, HEADER + "a1,a1/x,rougeL\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).hasMessageContaining("line 2").hasMessageContaining("3 fields");
        Files.writeString(f, HEADER + line("a1", "a1/debsum/any-precision/4>3/none-high", "rougeL", "0.2", "0.1")
                + "a1,\"a1/unterminated,rougeL\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid CSV");
    }

    @Test
    void aFileSavedWithAByteOrderMarkReadsLikeOneWithout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        String body = HEADER + line("a1", "a1/debsum/any-precision/4>3/none-high", "rougeL", "0.2", "0.1");
        Files.writeString(f, "\uFEFF" + body);
        GoldenFile withMark = GoldenFile.read(f);
        Files.writeString(f, body);
        assertThat(withMark.rows()).isEqualTo(GoldenFile.read(f).rows()).hasSize(1);
    }

    @Test
    void anUnterminatedQuoteIsReportedAtTheLineWhereItsRecordStartsNotAtTheEndOfTheFile(@TempDir Path dir)
            throws Exception {
        Path f = dir.resolve("g.csv");
        String good = line("a1", "a1/debsum/any-precision/4>3/none-high", "rougeL", "0.2", "0.1");
        Files.writeString(f, HEADER + good + "a1,\"a1/unterminated,rougeL\n" + good.replace("rougeL", "bleu")
                + good.replace("rougeL", "sacrebleu"));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(f + ": line 3: ").hasMessageContaining("not valid CSV");
    }

    @Test
    void aBandAddsItsAbsoluteAndRelativeParts() {
        Band b = new Band(10, 0.5, 0.1);
        assertThat(b.halfWidth()).isEqualTo(1.5);
        assertThat(b.contains(11.5)).isTrue();
        assertThat(b.contains(11.5001)).isFalse();
        assertThat(b.contains(Double.NaN)).isFalse();
        assertThat(b.separatedFrom(new Band(13.1, 0.1, 0))).isTrue();
        assertThat(b.separatedFrom(new Band(12.9, 1.5, 0))).isFalse();
    }

    @Test
    void aFileThatIsNotUtf8IsMalformedAtTheLineOfTheFirstBadByte(@TempDir Path dir) throws Exception {
        // Found by SuiteCsvFuzzTest#goldenCsv: the streaming decoder's MalformedInputException escaped as an
        // UncheckedIOException ("cannot read golden file").
        String latin1 = HEADER + line("a1", "a1/debsum/rtn/4>3/static", "rougeL", "0.5", "0.01")
                + "a1,a1/debsum/rtn/4>3/static,bleu,\u00e9";
        Path file = Files.write(dir.resolve("g.csv"), latin1.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> GoldenFile.read(file)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(file + ": line 3: not valid UTF-8 at byte offset")
                .hasMessageEndingWith("byte 0xE9; re-encode the file as UTF-8");
    }

    @Test
    void aHeaderWithAQuoteNeverClosedIsMalformedAtLineOne(@TempDir Path dir) throws Exception {
        // Found by SuiteCsvFuzzTest#goldenCsv: Commons CSV's CSVException (an IOException) from reading the header
        // escaped as an UncheckedIOException ("cannot read golden file").
        Path f = Files.writeString(dir.resolve("g.csv"), "ablation,cell,\"metric\n"
                + line("a1", "a1/debsum/any-precision/4>3/none-high", "rougeL", "0.2", "0.01"));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(f + ": line 1: not valid CSV in the header (")
                .hasMessageEndingWith("expected comma-separated fields, quoted with \" and every quote closed");
    }
}
