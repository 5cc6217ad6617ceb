package org.pmpdrepro.quant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.quant.Grouping;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.methods.QuantizationCodecs;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

@Tag("unit")
class CodecRoundTripTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();
    static final InMemoryWeights MODEL = TinyLlamaFactory.randomModel(CONFIG, 5L);

    /** Deterministic non-uniform sensitivities, so the weighted clustering differs from the plain one. */
    static final SensitivitySource MAGNITUDE = (id, w) -> {
        float[] f = new float[w.data().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = w.data()[i] * w.data()[i] + 0.01f;
        }
        return new Tensor(w.name(), w.shape(), f);
    };

    static Stream<QuantizedModel> models() throws IOException {
        return Stream.of(
                RtnQuantizer.perRow(Set.of(2, 3, 4)).quantize(MODEL, QuantizationInputs.none()),
                new RtnQuantizer(new java.util.TreeSet<>(Set.of(3, 8)), Grouping.columns(6)).quantize(MODEL,
                        QuantizationInputs.none()),
                RtnQuantizer.equalBytes(Set.of(2, 3, 4)).quantize(MODEL, QuantizationInputs.none()),
                AnyPrecisionQuantizer.defaults().quantize(MODEL, QuantizationInputs.withSensitivities(MAGNITUDE)),
                new AnyPrecisionQuantizer(3, 6, 20).quantize(MODEL, QuantizationInputs.withSensitivities(MAGNITUDE)));
    }

    @ParameterizedTest
    @MethodSource("models")
    void decodingTheEncodedModelServesIdenticalMatricesWidthsAndMemory(QuantizedModel model) {
        QuantizationCodec codec = QuantizationCodecs.forMethod(model.method());
        QuantizedModel decoded = codec.decode(CONFIG, codec.encode(model));
        assertSame(model, decoded);
        // And a second round trip is byte-identical in its stored form.
        assertThat(codec.encode(decoded).tensors()).zipSatisfy(codec.encode(model).tensors(),
                (a, b) -> assertThat(a.data()).isEqualTo(b.data()));
    }

    static void assertSame(QuantizedModel expected, QuantizedModel actual) {
        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.config()).isEqualTo(expected.config());
        assertThat(actual.bitWidths()).isEqualTo(expected.bitWidths());
        for (int bits : expected.bitWidths()) {
            for (LinearId id : LinearId.all(expected.config())) {
                Tensor a = expected.dequantized(id.layer(), id.proj(), bits);
                Tensor b = actual.dequantized(id.layer(), id.proj(), bits);
                assertThat(b.shape()).isEqualTo(a.shape());
                assertThat(b.data()).as(id + " at " + bits + " bits").isEqualTo(a.data());
            }
        }
        for (Set<Integer> subset : subsets(expected.bitWidths())) {
            assertThat(actual.memory(subset)).as("memory of " + subset).isEqualTo(expected.memory(subset));
        }
    }

    static List<Set<Integer>> subsets(Set<Integer> widths) {
        List<Integer> list = new ArrayList<>(widths);
        List<Set<Integer>> out = new ArrayList<>();
        for (int mask = 1; mask < 1 << list.size(); mask++) {
            Set<Integer> s = new java.util.TreeSet<>();
            for (int i = 0; i < list.size(); i++) {
                if ((mask >> i & 1) != 0) {
                    s.add(list.get(i));
                }
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void everyRegisteredCodecIsFoundByItsMethodAndAnUnknownMethodIsNamed() {
        assertThat(QuantizationCodecs.all()).containsKeys("rtn", "any-precision");
        QuantizationCodecs.all().forEach((method, codec) -> assertThat(codec.method()).isEqualTo(method));
        assertThatThrownBy(() -> QuantizationCodecs.forMethod("gptq-x")).hasMessageContaining("gptq-x")
                .hasMessageContaining("rtn");
    }

    @Test
    void decodingForAnotherConfigurationNamesTheTensorAndTheExpectedShape() throws IOException {
        QuantizedModel m = RtnQuantizer.perRow(Set.of(2)).quantize(MODEL, QuantizationInputs.none());
        LlamaConfig wider = new LlamaConfig(50, 32, 32, 2, 4, 2, 256, 1e-5, 10000.0, false, 1, 2);
        QuantizationCodec codec = QuantizationCodecs.forMethod("rtn");
        assertThatThrownBy(() -> codec.decode(wider, codec.encode(m)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.layers.0.self_attn.q_proj.weight").hasMessageContaining("expected [32, 32]");
    }

    @Test
    void aCodeOutsideTheBitWidthOrATableValueOutsideFp16IsRejected() throws IOException {
        QuantizedModel m = AnyPrecisionQuantizer.defaults().quantize(MODEL, QuantizationInputs.withSensitivities(MAGNITUDE));
        QuantizationCodec codec = QuantizationCodecs.forMethod("any-precision");
        StoredQuantization stored = codec.encode(m);
        assertThatThrownBy(() -> codec.decode(CONFIG, replaceFirstValue(stored, ".codes", 16f)))
                .hasMessageContaining("codes").hasMessageContaining("[0, 16)");
        assertThatThrownBy(() -> codec.decode(CONFIG, replaceFirstValue(stored, ".centroids.2bit", 0.1f)))
                .hasMessageContaining("centroids.2bit").hasMessageContaining("fp16");
        assertThatThrownBy(() -> QuantizationCodecs.forMethod("rtn").decode(CONFIG, stored))
                .hasMessageContaining("any-precision artefact given to the rtn codec");
    }

    static StoredQuantization replaceFirstValue(StoredQuantization s, String suffix, float value) {
        List<Tensor> tensors = new ArrayList<>(s.tensors());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.name().endsWith(suffix)) {
                float[] d = t.data().clone();
                d[0] = value;
                tensors.set(i, new Tensor(t.name(), t.shape(), d));
                break;
            }
        }
        return new StoredQuantization(s.method(), s.parameters(), tensors);
    }
}
