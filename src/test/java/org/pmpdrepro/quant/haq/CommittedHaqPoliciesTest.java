package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/** The committed policies of the fixture model ({@code fixtures/quant/haq}) are complete, in budget and ordered. */
@Tag("unit")
class CommittedHaqPoliciesTest {

    static final Path DIR = Path.of("fixtures", "quant", "haq");
    static ModelBundle bundle;
    static HaqPolicyFile file;

    @BeforeAll
    static void load() throws Exception {
        bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU);
        file = HaqPolicyFile.read(DIR.resolve(HaqPolicyFile.FILE_NAME), bundle.config());
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @Test
    void thePoliciesWereSearchedOnTheCommittedModel() {
        assertThat(file.modelSha256())
                .as("fixture model changed since the search; regenerate with: %s", file.command())
                .isEqualTo(bundle.identity().sha256());
        assertThat(file.calibration().get("fileSha256"))
                .isEqualTo(org.pmpdrepro.io.Hashes.sha256Hex(Path.of(file.calibration().get("file"))));
    }

    @Test
    void everyPolicyGivesAWidthToEachQuantizedMatrixOfTheFixtureModel() {
        assertThat(file.bitPolicies()).containsOnlyKeys("haq-4", "haq-3", "haq-2");
        for (BitPolicy p : file.bitPolicies().values()) {
            assertThat(p.bits().keySet()).containsExactlyInAnyOrderElementsOf(LinearId.all(bundle.config()));
            assertThat(p.bits().values()).allMatch(b -> b >= file.minBits() && b <= file.maxBits());
        }
    }

    /** k-means bytes of {@code bits} on the fixture model, from its shapes: packed codes and 2^b fp16 per row. */
    private static long kMeansBytes(LlamaConfig c, Map<LinearId, Integer> bits) {
        long bytes = 0;
        for (Map.Entry<LinearId, Integer> m : bits.entrySet()) {
            Linear p = m.getKey().proj();
            long rows = p == Linear.K || p == Linear.V ? c.kvDim()
                    : p == Linear.GATE || p == Linear.UP ? c.intermediateSize() : c.hiddenSize();
            long cols = p == Linear.DOWN ? c.intermediateSize() : c.hiddenSize();
            bytes += Math.ceilDiv(rows * cols * m.getValue(), 8) + 2 * rows * (1L << m.getValue());
        }
        return bytes;
    }

    @Test
    void everyPolicyReadsAtMostAnyPrecisionsBytesAtItsNominalWidth() {
        LlamaConfig c = bundle.config();
        for (HaqPolicyFile.Entry e : file.policies()) {
            Map<LinearId, Integer> uniform = new java.util.HashMap<>();
            LinearId.all(c).forEach(id -> uniform.put(id, e.nominalBits()));
            long budget = kMeansBytes(c, uniform);
            assertThat(e.budgetBytes()).as(e.policy().name()).isEqualTo(budget);
            assertThat(kMeansBytes(c, e.policy().bits())).as(e.policy().name()).isEqualTo(e.bytesPerToken())
                    .isLessThanOrEqualTo(budget);
            assertThat(e.policy().averageBits(c)).isEqualTo(e.averageBits());
            assertThat(Files.isRegularFile(DIR.resolve(e.log()))).isTrue();
        }
    }

    @Test
    void calibrationPerplexityRisesAsTheBudgetFallsAndMatchesTheRecord() throws Exception {
        SearchCalibration calibration = SearchCalibration.load(Path.of(file.calibration().get("file")),
                bundle.tokenizer(), Integer.parseInt(file.calibration().get("sequences")),
                Integer.parseInt(file.calibration().get("maxTokens")));
        assertThat(calibration.tokensSha256()).isEqualTo(file.calibration().get("tokensSha256"));
        HaqSearch search = new HaqSearch(bundle.checkpoint(), file.scheme(), calibration.sequences(), Device.cpu(), 8);
        double previous = 0;
        for (String name : new String[] {"haq-4", "haq-3", "haq-2"}) {
            HaqPolicyFile.Entry e = file.policies().stream().filter(p -> p.policy().name().equals(name)).findFirst()
                    .orElseThrow();
            double ppl = search.evaluate(e.policy()).perplexity();
            assertThat(ppl).as(name).isGreaterThanOrEqualTo(previous)
                    .isCloseTo(e.calibrationPerplexity(), within(1e-3 * e.calibrationPerplexity()));
            previous = ppl;
        }
        assertThat(search.fullPrecisionPerplexity()).isLessThanOrEqualTo(previous);
    }
}
