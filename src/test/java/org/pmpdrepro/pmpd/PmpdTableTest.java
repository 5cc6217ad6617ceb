package org.pmpdrepro.pmpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table's CSV reads back into the same table, so that table runs made in parts merge into one. */
@Tag("unit")
class PmpdTableTest {

    static final String HEADER =
            "task,pair,scheduler,rougeL,bertscore,bleu,sacrebleu,average_bits,bytes_per_token,tokens_per_second,note\n";

    @Test
    void mergedPartsRenderInSchedulerOrderAndWriteTheSameCsv(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Files.writeString(a, HEADER + "debsum,4>3,none-high,0.2,0.4,0.01,1.0,4.0000,1000,100.0,\"every pass at 4bit\"\n");
        Files.writeString(b, HEADER + "debsum,4>3,static,0.19,0.39,0.01,1.0,3.8000,950,90.0,\"\"\n");
        PmpdTable merged = new PmpdTable();
        merged.addCsv(b);
        merged.addCsv(a);
        merged.sortSchedulers(Schedulers.NAMES);
        assertThat(merged.entries()).extracting(PmpdTable.Entry::scheduler).containsExactly("none-high", "static");
        String md = merged.markdown();
        assertThat(md.indexOf("| none-high |")).isLessThan(md.indexOf("| static |"));
        assertThat(md).contains("| static | 0.1900 | 0.3900 | 3.80 |");
        Path again = dir.resolve("again.csv");
        Files.writeString(again, merged.csv());
        PmpdTable reread = new PmpdTable();
        reread.addCsv(again);
        assertThat(reread.entries()).isEqualTo(merged.entries());
    }

    @Test
    void aBadNumberNamesTheFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, HEADER + "debsum,4>3,static,0.19,0.39,0.01,1.0,many,950,90.0,\"\"\n");
        assertThatThrownBy(() -> new PmpdTable().addCsv(bad)).hasMessageContaining("bad.csv line 2")
                .hasMessageContaining("'average_bits'").hasMessageContaining("'many'");
    }
}
