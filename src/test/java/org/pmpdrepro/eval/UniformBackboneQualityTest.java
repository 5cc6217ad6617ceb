package org.pmpdrepro.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.methods.Backbones;

/**
 * Quality is monotone in bits for the uniform-width back-bones exactly as the ablations build them on the fixture
 * model (GPTQ, HAQ and Bit-Mixer have the same check next to their committed artefacts): calibration perplexity at
 * full precision <= 4 bits <= 3 bits <= 2 bits. Models come from (and go to) the quantization cache the suite uses.
 */
@Tag("unit")
class UniformBackboneQualityTest {

    /** Enough text for a stable perplexity, few enough sequences to keep the check at seconds per width. */
    private static final int SEQUENCES = 16;

    static ModelBundle bundle;
    static Backbones experiments;
    static List<int[]> calibration;

    @BeforeAll
    static void open() throws Exception {
        bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU);
        experiments = Backbones.defaults();
        calibration = experiments.calibration(bundle).sequences().subList(0, SEQUENCES);
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @ParameterizedTest(name = "{0}: full <= 4 <= 3 <= 2 bits in calibration perplexity")
    @ValueSource(strings = {"any-precision", "rtn"})
    void calibrationPerplexityIsMonotoneInBits(String name) throws Exception {
        QuantizedModel q = experiments.build(name, bundle);
        double previous = Perplexity.of(bundle.model(), calibration, Precision.FULL, 8).perplexity();
        try (DjlLlama served = DjlLlama.withProvider(bundle.config(), DjlLlama.reading(bundle.checkpoint()),
                bundle.model().device(), (m, c, w) -> new QuantizedWeightProvider(m, c, w, q))) {
            for (int bits : new int[] {4, 3, 2}) {
                double ppl = Perplexity.of(served, calibration, Precision.bits(bits), 8).perplexity();
                assertThat(ppl).as("%s at %d bits against the next wider precision", name, bits)
                        .isGreaterThanOrEqualTo(previous);
                previous = ppl;
            }
        }
    }
}
