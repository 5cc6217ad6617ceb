package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GoldenFileTest {

    static final String HEADER = String.join(",", GoldenFile.HEADER) + "\n";
    static final DecodeConfiguration CONFIG = new DecodeConfiguration("in-process", "cpu()", "djl-pytorch 2.7.1",
            "AuthenticAMD avx2,fma", 1, 32);
    static final String SHA = "a".repeat(64);

    static GoldenRow row(String cell, double rougeL, double bits) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rougeL", rougeL);
        metrics.put("bertscore", 0.5);
        metrics.put("bleu", 0.1);
        metrics.put("sacrebleu", 12.345678901234567);
        return new GoldenRow(cell.substring(0, 2), cell, 8, GoldenFile.outputsName(cell), SHA, bits, 1.5e6,
                Double.NaN, metrics, CONFIG, "m", "f", "abc", "2026-11-29");
    }

    /** A CSV line of a row, with {@code column} replaced by {@code value} when given. */
    static String line(String cell, String column, String value) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("ablation", cell.substring(0, 2));
        v.put("cell", cell);
        v.put("samples", "8");
        v.put("outputs", GoldenFile.outputsName(cell));
        v.put("references_sha256", SHA);
        v.put("average_bits", "3.5");
        v.put("bytes_per_token", "1500000.0");
        v.put("resident_bytes", "NaN");
        v.put("rougeL", "0.2");
        v.put("bertscore", "0.5");
        v.put("bleu", "0.1");
        v.put("sacrebleu", "10.0");
        v.put("configuration", CONFIG.key());
        v.put("model_sha256", "m");
        v.put("fixtures_sha256", "f");
        v.put("commit", "abc");
        v.put("date", "2026-11-29");
        if (column != null) {
            v.put(column, value);
        }
        return String.join(",", v.values().stream().map(x -> x.contains(",") ? "\"" + x + "\"" : x).toList()) + "\n";
    }

    static final String CELL = "a1/debsum/any-precision/4>3/none-high";

    @Test
    void rowsSurviveWritingAndReadingBitForBit(@TempDir Path dir) throws Exception {
        GoldenRow a = row("a1/debsum/any-precision/4>3/none-high", 0.1 + 0.2, 3.0);
        GoldenRow b = row("a1/debsum/any-precision/4>3/none-low", 0.3, 2.7777777777777777);
        GoldenFile written = GoldenFile.empty(dir.resolve("g.csv")).withRows(List.of(b, a)).write();
        assertThat(written.rows()).extracting(GoldenFile.Located::row).containsExactly(a, b);
        assertThat(written.find(a.cell()).orElseThrow().line()).isEqualTo(2);
        assertThat(written.find(a.cell()).orElseThrow().outputsFile())
                .isEqualTo(dir.toAbsolutePath().resolve("outputs/a1-debsum-any-precision-4-3-none-high.jsonl.gz"));
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
    void aMalformedFieldNamesFileLineColumnValueAndTheExpectedForm(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("rougeL", new String[] {"0.2x", "a finite decimal number"});
        cases.put("average_bits", new String[] {"NaN", "a finite number of bits"});
        cases.put("bytes_per_token", new String[] {"-3", "a finite number >= 0, or NaN"});
        cases.put("outputs", new String[] {"../elsewhere.jsonl.gz", "a relative path under outputs/"});
        cases.put("references_sha256", new String[] {"abc", "64 hex digits"});
        cases.put("configuration", new String[] {"threads=1", "runner=...; device=...; backend=..."});
        cases.put("samples", new String[] {"0", "a positive integer"});
        cases.put("cell", new String[] {"a2/debsum/any-precision/4>3/none-high", "a cell id of ablation a1"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Files.writeString(f, HEADER + line(CELL, null, null) + line(CELL.replace("high", "low"), c.getKey(),
                    c.getValue()[0]));
            assertThatThrownBy(() -> GoldenFile.read(f)).as(c.getKey()).isInstanceOf(MalformedFileException.class)
                    .hasMessageContaining(f + ": line 3, column '" + c.getKey() + "'")
                    .hasMessageContaining("'" + c.getValue()[0] + "'").hasMessageContaining(c.getValue()[1]);
        }
    }

    @Test
    void aRepeatedCellIsRefusedNamingBothLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, HEADER + line(CELL, null, null) + line(CELL, "rougeL", "0.3"));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("line 3").hasMessageContaining("repeats line 2");
    }

    @Test
    void aWrongHeaderAShortLineAndBrokenQuotingAreRefusedWithTheirLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, "ablation,cell,metric,value\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).hasMessageContaining("line 1").hasMessageContaining("expected "
                + String.join(",", GoldenFile.HEADER));
        Files.writeString(f, HEADER + "a1,a1/x,rougeL\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).hasMessageContaining("line 2").hasMessageContaining("3 fields");
        Files.writeString(f, HEADER + line(CELL, null, null) + "a1,\"a1/unterminated,rougeL\n");
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid CSV");
    }

    @Test
    void aFileSavedWithAByteOrderMarkReadsLikeOneWithout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.csv");
        String body = HEADER + line(CELL, null, null);
        Files.writeString(f, "\uFEFF" + body);
        GoldenFile withMark = GoldenFile.read(f);
        Files.writeString(f, body);
        assertThat(withMark.rows()).isEqualTo(GoldenFile.read(f).rows()).hasSize(1);
    }

    @Test
    void anUnterminatedQuoteIsReportedAtTheLineWhereItsRecordStartsNotAtTheEndOfTheFile(@TempDir Path dir)
            throws Exception {
        Path f = dir.resolve("g.csv");
        Files.writeString(f, HEADER + line(CELL, null, null) + "a1,\"a1/unterminated,rougeL\n"
                + line(CELL.replace("high", "low"), null, null));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(f + ": line 3: ").hasMessageContaining("not valid CSV");
    }

    @Test
    void aFileThatIsNotUtf8IsMalformedAtTheLineOfTheFirstBadByte(@TempDir Path dir) throws Exception {
        // Found by SuiteCsvFuzzTest#goldenCsv: the streaming decoder's MalformedInputException escaped as an
        // UncheckedIOException ("cannot read golden file").
        String latin1 = HEADER + line(CELL, null, null)
                + "a1,a1/debsum/rtn/4>3/static,\u00e9";
        Path file = Files.write(dir.resolve("g.csv"), latin1.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> GoldenFile.read(file)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(file + ": line 3: not valid UTF-8 at byte offset")
                .hasMessageEndingWith("byte 0xE9; re-encode the file as UTF-8");
    }

    @Test
    void aHeaderWithAQuoteNeverClosedIsMalformedAtLineOne(@TempDir Path dir) throws Exception {
        // Found by SuiteCsvFuzzTest#goldenCsv: Commons CSV's CSVException (an IOException) from reading the header
        // escaped as an UncheckedIOException ("cannot read golden file").
        Path f = Files.writeString(dir.resolve("g.csv"), "ablation,cell,\"samples\n"
                + line(CELL, null, null));
        assertThatThrownBy(() -> GoldenFile.read(f)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(f + ": line 1: not valid CSV in the header (")
                .hasMessageEndingWith("expected comma-separated fields, quoted with \" and every quote closed");
    }
}
