package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oracle-check}: the check a lent GPU machine runs, here on the CPU with the committed fixture model. */
@Tag("unit")
class OracleCheckCommandTest {

    @Test
    void theFixtureModelOnTheCpuAgreesWithTheOracleOnEveryTaskAndSaysSoInJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("oracle.json");
        CliRun r = CliRun.of("oracle-check", "--device", "cpu", "--prompts", "2", "--out", json.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("debsum on cpu(): worst relative logit error")
                .contains("greedy tokens of 2/2 prompts identical to the oracle's -> agrees")
                .contains("oracle check passed on cpu()");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("agrees").asBoolean()).isTrue();
        assertThat(root.get("device").asText()).isEqualTo("cpu()");
        assertThat(root.get("tasks")).hasSize(3);
        assertThat(root.get("tasks").get(0).get("worstRelativeError").asDouble()).isLessThan(1e-4);
    }

    @Test
    void aToleranceNoDecoderCanMeetFailsTheCheckWithExitCodeOne() {
        CliRun r = CliRun.of("oracle-check", "--device", "cpu", "--prompts", "1", "--tolerance", "0");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("DISAGREES").contains("oracle check FAILED on cpu()");
    }

    @Test
    void noPromptsIsAUsageError() {
        CliRun r = CliRun.of("oracle-check", "--device", "cpu", "--prompts", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--prompts 0: expected at least 1");
    }
}
