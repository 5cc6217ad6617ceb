package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

@Tag("unit")
class BytesPerTokenTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 64, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final Backbone DEFAULT = Backbone.of("default", in -> {
        throw new UnsupportedOperationException("not built in this test");
    });

    static QuantizedModel rtn() throws Exception {
        return RtnQuantizer.perRow(Set.of(3, 4)).quantize(new InMemoryWeights(CONFIG,
                TinyLlamaFactory.randomWeights(CONFIG, 3L)), QuantizationInputs.none());
    }

    static SampleOutput sample(String... trace) {
        return new SampleOutput("s", "p", "r", "o", "o", List.of(), List.of(trace), true);
    }

    @Test
    void decodeStepsAreWeightedByTokenAndThePrefillIsNotCounted() throws Exception {
        QuantizedModel q = rtn();
        double four = q.bytesReadPerToken(4);
        double three = q.bytesReadPerToken(3);
        double perSample = CellDecoder.bytesPerToken(q, List.of(
                sample("4bit", "4bit", "3bit", "3bit"), sample("full", "4bit")));
        assertThat(perSample).isCloseTo(((four + 2 * three) / 3 + four) / 2, within(1e-9));
    }

    @Test
    void theDenseModelCountsSixteenBitsPerLinearWeight() throws Exception {
        long h = CONFIG.hiddenSize();
        long perLayer = 2 * h * h + 2L * CONFIG.kvDim() * h + 3L * CONFIG.intermediateSize() * h;
        assertThat(DEFAULT.bytesReadPerToken(rtn(), Precision.FULL)).isEqualTo(2.0 * perLayer * CONFIG.numLayers());
    }

    @Test
    void nestedAndSeparateModelsAccountTheirResidentBytesAndUnknownPoliciesAreNaN() throws Exception {
        QuantizedModel q = rtn();
        assertThat(DEFAULT.residentBytes(q, Precision.bits(4), Precision.bits(3)))
                .isEqualTo(q.memory(Set.of(3, 4)).residentBytes());
        assertThat(DEFAULT.residentBytes(q, new Precision("policy", 3.5), Precision.bits(3))).isNaN();
        assertThat(CellDecoder.bytesPerToken(q, List.of(sample("4bit", "mystery")))).isNaN();
    }
}
