package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.cli.Main;
import org.pmpdrepro.eval.RandomModelDirectory;

/** {@code pmpd haq-search} in a reduced configuration: the command that regenerates the committed policies works. */
@Tag("unit")
class HaqSearchCommandTest {

    @Test
    void theSearchCommandWritesPoliciesWithinTheirBudgetsAndOneLogPerBudget(@TempDir Path dir) throws Exception {
        Path model = RandomModelDirectory.write(dir.resolve("model"), 3L);
        Path out = dir.resolve("out");
        int rc = Main.run("haq-search", "--model", model.toString(), "--device", "cpu", "--sequences", "3",
                "--max-tokens", "16", "--budgets", "4,3", "--episodes", "3", "--warmup", "1", "--hidden", "8",
                "--out", out.toString(), "--work", dir.resolve("work").toString());
        assertThat(rc).isZero();
        HaqPolicyFile file = HaqPolicyFile.read(out.resolve(HaqPolicyFile.FILE_NAME), RandomModelDirectory.CONFIG);
        assertThat(file.bitPolicies()).containsOnlyKeys("haq-4", "haq-3");
        assertThat(file.command()).startsWith("pmpd haq-search --model ").contains("--budgets 4,3");
        assertThat(file.modelSha256()).hasSize(64);
        assertThat(file.calibration()).containsEntry("sequences", "3").containsKey("tokensSha256");
        for (HaqPolicyFile.Entry e : file.policies()) {
            assertThat(e.policy().averageBits(RandomModelDirectory.CONFIG)).isEqualTo(e.averageBits());
            assertThat(e.budgetBytes()).isEqualTo(ByteBudget.anyPrecisionBytes(RandomModelDirectory.CONFIG,
                    e.nominalBits()));
            assertThat(e.bytesPerToken()).isLessThanOrEqualTo(e.budgetBytes());
            assertThat(Files.readAllLines(out.resolve(e.log()))).hasSize(1 + 3);
        }
        assertThat(file.policies().get(1).nominalBits()).isEqualTo(3);
        assertThat(dir.resolve("work").resolve("haq-4.ckpt")).isRegularFile();
        // The quantized matrices spilled during the search are gone; the checkpoints stay.
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("haq-4.ckpt",
                    "haq-3.ckpt");
        }
    }

    @Test
    void aBudgetBelowTheLowestWidthIsAUsageError(@TempDir Path dir) throws Exception {
        Path model = RandomModelDirectory.write(dir.resolve("model"), 3L);
        int rc = Main.run("haq-search", "--model", model.toString(), "--device", "cpu", "--budgets", "1",
                "--min-bits", "2", "--out", dir.resolve("out").toString());
        assertThat(rc).isNotZero();
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
