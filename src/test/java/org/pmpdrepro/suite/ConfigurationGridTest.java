package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

/** The configuration grid's syntax, its variants for a main run, and the decodes it samples. */
@Tag("unit")
class ConfigurationGridTest {

    @Test
    void theStandardGridIsTheOtherThreadCountASecondBatchSizeBothAndTheContainer() {
        ConfigurationGrid g = ConfigurationGrid.parse(null);
        assertThat(g.container()).isTrue();
        assertThat(g.decodesPerTask()).isEqualTo(ConfigurationGrid.DEFAULT_DECODES_PER_TASK);
        assertThat(g.numerics(1, 32)).extracting(SuiteSettings.Numerics::intraOpThreads,
                SuiteSettings.Numerics::batchSize).containsExactly(org.assertj.core.groups.Tuple.tuple(2, 32),
                        org.assertj.core.groups.Tuple.tuple(1, 17), org.assertj.core.groups.Tuple.tuple(2, 17));
        assertThat(g.numerics(2, 8)).extracting(SuiteSettings.Numerics::intraOpThreads)
                .containsExactly(1, 2, 1);
    }

    @Test
    void explicitVariantsNoneAndTheDecodeCountAreRead() {
        ConfigurationGrid g = ConfigurationGrid.parse("threads:2, batch:8+threads:1, container");
        assertThat(g.container()).isTrue();
        // threads:1 with the main run's batch is the main run itself, so it is not decoded again.
        assertThat(ConfigurationGrid.parse("threads:1,batch:8").numerics(1, 8)).isEmpty();
        assertThat(g.numerics(1, 32)).extracting(SuiteSettings.Numerics::description)
                .containsExactly("threads 2, batch 32", "threads 1, batch 8");
        assertThat(ConfigurationGrid.parse("none").isEmpty()).isTrue();
        assertThat(ConfigurationGrid.parseDecodes("all")).isZero();
        assertThat(ConfigurationGrid.parseDecodes("5")).isEqualTo(5);
        assertThatThrownBy(() -> ConfigurationGrid.parseDecodes("0")).hasMessageContaining("golden.grid.decodes=0");
        assertThatThrownBy(() -> ConfigurationGrid.parse("threads=2")).hasMessageContaining("'threads=2'")
                .hasMessageContaining("threads:2+batch:17");
        assertThatThrownBy(() -> ConfigurationGrid.parse("gpu:1")).hasMessageContaining("not understood");
    }

    @Test
    void theSampleTakesDecodesRoundRobinOverPairsAndBackbonesOfEachTask() {
        FakeCellRunner r = new FakeCellRunner(4, Map.of(), Set.of("any-precision", "gptq"), 0);
        List<CellOutcome> outcomes = new ArrayList<>();
        for (Task t : List.of(Task.DEBSUM, Task.DEBCHAT)) {
            for (BitWidthPair p : List.of(new BitWidthPair(4, 3), new BitWidthPair(3, 2))) {
                for (String s : List.of("static", "none-high", "none-low")) {
                    outcomes.add(r.run(new Cell(Ablation.REMOVE_PRECISION_SWITCHING, t, "any-precision", p, s)));
                }
            }
        }
        Map<String, List<CellOutcome>> sample = GoldenRecorder.sample(outcomes, 3);
        assertThat(sample.keySet()).containsExactly("debsum/any-precision/plan static",
                "debsum/any-precision/plan none-high", "debsum/any-precision/plan none-low",
                "debchat/any-precision/plan static", "debchat/any-precision/plan none-high",
                "debchat/any-precision/plan none-low");
        // The fake's plans do not name the pair, so both pairs' cells share each decode.
        assertThat(sample.get("debsum/any-precision/plan static")).hasSize(2);
        assertThat(GoldenRecorder.sample(outcomes, 0)).hasSize(6);
        assertThat(GoldenRecorder.sample(outcomes, 1)).containsOnlyKeys("debsum/any-precision/plan static",
                "debchat/any-precision/plan static");
    }

    @Test
    void aConfigurationReadsBackFromItsKeyAndNamesWhatDiffers() {
        DecodeConfiguration c = new DecodeConfiguration("in-process", "cpu()", "djl-pytorch 2.7.1",
                "AuthenticAMD avx2,fma aten:AVX2", 1, 32);
        assertThat(DecodeConfiguration.parse(c.key())).isEqualTo(c);
        assertThat(c.differencesTo(c.with(2, 17))).containsExactly("threads: 1 -> 2", "batch: 32 -> 17");
        assertThatThrownBy(() -> DecodeConfiguration.parse("runner=x; device=cpu()"))
                .hasMessageContaining("expected exactly [runner, device, backend, cpu, threads, batch]");
        assertThatThrownBy(() -> new DecodeConfiguration("in;process", "cpu()", "b", "c", 1, 1))
                .hasMessageContaining("without ';' or '='");
    }

    @Test
    void theCpuDescriptionKeepsTheVendorAndTheKernelSelectingFlagsOnly() {
        String cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Some CPU\n"
                + "flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw ht\nprocessor\t: 1\nflags\t\t: fpu\n";
        assertThat(CpuFeatures.describe(cpuinfo, Map.of())).isEqualTo("GenuineIntel sse4_2,avx,avx2,fma,avx512f,"
                + "avx512bw");
        assertThat(CpuFeatures.describe(cpuinfo, Map.of(CpuFeatures.ATEN_OVERRIDE, "AVX2")))
                .endsWith(" aten:AVX2");
        assertThat(CpuFeatures.describe("", Map.of())).isEqualTo("unknown-vendor no-vector-flags");
    }
}
