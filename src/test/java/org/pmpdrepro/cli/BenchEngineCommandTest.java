package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.bench.EngineBenchmark.Schedule;

/** The engine benchmark's command on a tiny synthetic model: what it writes, not how fast. */
@Tag("unit")
class BenchEngineCommandTest {

    @Test
    void writesOneRowPerCaseWithTheIssuesColumnsFirstAndTheSchedulesAverageBits(@TempDir Path dir)
            throws IOException {
        // An MLP width that is not a multiple of 512 columns, so that the in-register kernel's padding (to groups of
        // 512) and the int16 lookup's (to chunks of 16) read different bytes at 2 bits.
        CliRun run = CliRun.of("bench-engine", "--hidden", "512", "--intermediate", "1056", "--heads", "4", "--vocab",
                "100", "--layers", "2", "--new-tokens", "10", "--rounds", "1", "--prompt-tokens", "3",
                "--schedules", "4>3@3.5,3>2@2.2", "--bandwidth-mb", "8", "--out", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("decode.csv"));
        assertThat(csv.get(0)).startsWith("engine,model,precision,tokens_per_s,weight_bytes_per_token,"
                + "pct_of_bandwidth,");
        List<String> rows = csv.subList(1, csv.size());
        assertThat(rows).extracting(l -> l.split(",")[1].split(" ")[0] + "/" + l.split(",")[2]).containsExactly(
                "fp16/fp16", "any-precision/4bit", "uniform-g128/4bit", "uniform-g128-int16/4bit",
                "any-precision/3bit", "uniform-g128/3bit", "uniform-g128-int16/3bit", "any-precision/2bit",
                "uniform-g128/2bit", "uniform-g128-int16/2bit", "any-precision/pmpd 4>3 s=5",
                "uniform-g128/pmpd 4>3 s=5", "uniform-g128-int16/pmpd 4>3 s=5", "any-precision/pmpd 3>2 s=2",
                "uniform-g128/pmpd 3>2 s=2", "uniform-g128-int16/pmpd 3>2 s=2", "any-precision-int16/2bit",
                "any-precision-int16/pmpd 3>2 s=2");
        for (String line : rows) {
            String[] f = line.split(",");
            assertThat(f[0]).isEqualTo("java");
            assertThat(Double.parseDouble(f[3])).as(line).isPositive();
            assertThat(Long.parseLong(f[4])).as(line).isPositive();
        }
        // Average bits of the decode steps: 5 of 10 at 4 bits, then 3; 2 of 10 at 3, then 2.
        assertThat(Double.parseDouble(rows.get(10).split(",")[6])).isEqualTo(3.5);
        assertThat(Double.parseDouble(rows.get(13).split(",")[6])).isEqualTo(2.2);
        long fp16 = Long.parseLong(rows.get(0).split(",")[4]);
        long ap2 = Long.parseLong(rows.get(7).split(",")[4]);
        long ap4 = Long.parseLong(rows.get(1).split(",")[4]);
        assertThat(ap2).as("2 bits read fewer bytes than 4, which read fewer than fp16").isLessThan(ap4);
        assertThat(ap4).isLessThan(fp16);
        // Uniform rows 2, 5, 8, 11 and 14, each followed by its int16 twin.
        for (int i = 2; i < 16; i += 3) {
            assertThat(rows.get(i + 1).split(",")[4]).as("the int16 kernel reads the uniform grid's bytes: %s",
                    rows.get(i)).isEqualTo(rows.get(i).split(",")[4]);
        }
        // Any-Precision's 2 bits by the int16 kernel: its 2 planes padded to 16 columns, not 512, and 4 fp32
        // coefficients a row as the in-register kernel reads 4 table entries; so fewer bytes than the in-register
        // 2-bit case by the down projections' padding (1056 columns stored as 1536), and the 3>2 schedule likewise.
        long ap2Int16 = Long.parseLong(rows.get(16).split(",")[4]);
        long downPadding = 2L * 512 * (1536 - 1056) * 2 / 8;
        assertThat(ap2 - ap2Int16).as("any-precision-int16 2 bits reads the lookup kernel's bytes")
                .isEqualTo(downPadding);
        assertThat(Long.parseLong(rows.get(17).split(",")[4])).isLessThan(Long.parseLong(rows.get(13).split(",")[4]));
        assertThat(Double.parseDouble(rows.get(17).split(",")[6])).isEqualTo(2.2);
        String md = Files.readString(dir.resolve("decode.md"));
        assertThat(md).contains("bench-engine --hidden 512").contains("- JDK: ").contains("Read bandwidth")
                .contains("| any-precision | pmpd 3>2 s=2 | 2.20 |").contains("| fp16 | fp16 | 16.00 |");
    }

    @Test
    void aScheduleOfTheWrongFormIsAUsageErrorNamingIt() {
        CliRun run = CliRun.of("bench-engine", "--schedules", "4>3@3.5,3>2@3.5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--schedules: '3>2@3.5'; expected HIGH>LOW@BITS");
    }

    @Test
    void aMissingLlamaCppHarnessOrAnUnknownGgufTypeIsAUsageErrorBeforeAnythingRuns(@TempDir Path dir) {
        CliRun missing = CliRun.of("bench-engine", "--llama-cpp", dir.resolve("none").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--llama-cpp: no llama.cpp harness in").contains("benchmarks/llama-cpp/setup");
        CliRun type = CliRun.of("bench-engine", "--llama-cpp", dir.toString(), "--llama-types", "F16,Q5_K");
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("--llama-types: 'Q5_K'; expected some of F32, F16, Q8_0, Q4_0");
    }

    @Test
    void aScheduleSwitchesWhereItsDecodeStepsAverageTheGivenBits() {
        assertThat(Schedule.reaching(4, 3, 3.58, 64).switchPoint()).isEqualTo(37);
        assertThat(Schedule.reaching(3, 2, 2.0, 64).switchPoint()).isZero();
        assertThat(Schedule.reaching(3, 2, 3.0, 64).switchPoint()).isEqualTo(64);
    }
}
