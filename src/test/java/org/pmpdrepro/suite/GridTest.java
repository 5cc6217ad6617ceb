package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

@Tag("unit")
class GridTest {

    @Test
    void theCommittedGridIsExactlyTheDesignsCells() {
        assertThat(Grid.read(Grid.DEFAULT_FILE).cells()).containsExactlyElementsOf(Grid.design().cells());
    }

    @Test
    void theDesignHasTenA1SchedulersAndFourA2BackbonesPlusBitMixersMatchedMixOverTwoPairsAndEveryTask() {
        Grid g = Grid.design();
        int tasks = Task.values().length;
        assertThat(g.of(Ablation.REMOVE_PRECISION_SWITCHING)).hasSize(tasks * 2 * 10)
                .allMatch(c -> c.backbone().equals("any-precision"));
        assertThat(g.of(Ablation.REMOVE_PRECISION_SWITCHING)).extracting(Cell::scheduler).doesNotContain(
                "none-matched", "random-uniform", "random-label-prior", "confidence");
        assertThat(g.of(Ablation.REPLACE_PTQ_METHOD)).hasSize(tasks * 2 * (4 * 3 + 1));
        assertThat(g.of(Ablation.REPLACE_PTQ_METHOD)).filteredOn(c -> c.scheduler().equals("matched-static"))
                .hasSize(tasks * 2).allMatch(c -> c.backbone().equals("bit-mixer"));
    }

    @Test
    void everyArmOfThePreRegisteredClaimsIsInTheGrid() throws Exception {
        java.util.Set<String> a1 = new java.util.HashSet<>(Grid.A1_SCHEDULERS);
        java.util.Set<String> a2 = new java.util.HashSet<>(Grid.A2_BACKBONES);
        List<String> lines = Files.readAllLines(Path.of("golden", "claims.csv"));
        assertThat(lines).hasSizeGreaterThan(1);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            java.util.Set<String> arms = f[1].equals("a1") ? a1 : a2;
            assertThat(arms).as(line).contains(f[2], f[3]);
        }
    }

    @Test
    void aCellReadsAsTaskBackbonePairScheduler() {
        Cell c = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision", BitWidthPair.parse("4>3"),
                "static");
        assertThat(c.displayName()).isEqualTo("debsum · any-precision · 4>3 · static");
        assertThat(c.id()).isEqualTo("a1/debsum/any-precision/4>3/static");
    }

    @Test
    void aGridSurvivesWritingAndReading(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("grid.csv");
        Grid.design().write(f);
        assertThat(Grid.read(f)).isEqualTo(Grid.design());
    }

    @Test
    void aMalformedGridNamesFileLineColumnAndTheExpectedForm() {
        String csv = "ablation,task,backbone,pair,scheduler\na1,debsum,any-precision,4>3,static\n"
                + "a1,debsum,any-precision,4/3,static\n";
        assertThatThrownBy(() -> Grid.parse(new StringReader(csv), "grid.csv"))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("grid.csv: line 3, column 'pair'").hasMessageContaining("'4/3'")
                .hasMessageContaining("HIGH>LOW");
    }

    @Test
    void aGridWithTheWrongHeaderOrAMissingFileIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("grid.csv");
        Files.writeString(f, "task,backbone\ndebsum,gptq\n");
        assertThatThrownBy(() -> Grid.read(f)).hasMessageContaining("line 1")
                .hasMessageContaining("expected ablation,task,backbone,pair,scheduler");
        assertThatThrownBy(() -> Grid.read(dir.resolve("none.csv"))).hasMessageContaining("no grid file");
    }

    @Test
    void aFileThatIsNotUtf8IsMalformedAtTheLineOfTheFirstBadByte(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("grid.csv"), new byte[] {'a', 'b', '\n', (byte) 0x80, '\n'});
        assertThatThrownBy(() -> Grid.read(file)).isInstanceOf(MalformedFileException.class)
                .hasMessage(file + ": line 2: not valid UTF-8 at byte offset 3 (line 2): byte 0x80; re-encode the file"
                        + " as UTF-8");
    }

    @Test
    void aHeaderWithAQuoteNeverClosedIsMalformedAtLineOne(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("grid.csv"), "ablation,\"task\na1,debsum\n");
        assertThatThrownBy(() -> Grid.read(file)).isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith(file + ": line 1: not valid CSV in the header (");
    }

    @Test
    void aCellListedTwiceIsMalformedAtItsSecondLine(@TempDir Path dir) throws Exception {
        // Found by SuiteCsvFuzzTest#gridCsv: Grid's own IllegalArgumentException named the cell but not the file.
        Path file = Files.writeString(dir.resolve("grid.csv"), "ablation,task,backbone,pair,scheduler\n"
                + "a1,debsum,any-precision,4>3,static\na1,debsum,any-precision,4>3,learned\n"
                + "a1,debsum,any-precision,4>3,static\n");
        assertThatThrownBy(() -> Grid.read(file)).isInstanceOf(MalformedFileException.class)
                .hasMessage(file + ": line 4: cell a1/debsum/any-precision/4>3/static repeats line 2; expected each"
                        + " cell once");
    }
}
