package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.store.StoredQuantization;

/** The stored form of GPTQ models: exact, deterministic, and refused when damaged. */
@Tag("unit")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GptqCodecTest {

    private final LlamaConfig config = TinyLlamaFactory.tinyConfig();
    private final GptqCodec codec = new GptqCodec();
    private final GptqQuantizer grouped = GptqQuantizer.defaults().withActOrder(true).withGroupSize(8);
    private GptqModel plain;
    private GptqModel actOrderGrouped;
    private GptqModel staticGrouped;

    /** Seeded random token sequences of uneven lengths. */
    static QuantizationInputs randomCalibration(LlamaConfig config, int count, long seed) {
        Random random = new Random(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = new int[12 + random.nextInt(20)];
            for (int t = 0; t < s.length; t++) {
                s[t] = random.nextInt(config.vocabSize());
            }
            seqs.add(s);
        }
        return new QuantizationInputs(Optional.empty(), seqs);
    }

    @BeforeAll
    void quantize() throws IOException {
        plain = GptqQuantizer.defaults().quantize(TinyLlamaFactory.randomModel(config, 4L),
                randomCalibration(config, 24, 7L));
        actOrderGrouped = grouped.quantize(TinyLlamaFactory.randomModel(config, 4L), randomCalibration(config, 24, 7L));
        staticGrouped = grouped.withStaticGroups(true).quantize(TinyLlamaFactory.randomModel(config, 4L),
                randomCalibration(config, 24, 7L));
    }

    @Test
    void decodingWhatWasEncodedServesTheSameModelAndReEncodesIdentically() {
        for (GptqModel model : List.of(plain, actOrderGrouped, staticGrouped)) {
            StoredQuantization stored = codec.encode(model);
            GptqModel back = codec.decode(config, stored);
            assertThat(back.settings()).isEqualTo(model.settings());
            assertSameTensors(codec.encode(back), stored);
            for (LinearId id : LinearId.all(config)) {
                for (int b : model.bitWidths()) {
                    assertThat(back.dequantized(id.layer(), id.proj(), b).data())
                            .containsExactly(model.dequantized(id.layer(), id.proj(), b).data());
                }
            }
            assertThat(back.memory(Set.of(2, 3, 4))).isEqualTo(model.memory(Set.of(2, 3, 4)));
        }
    }

    @Test
    void quantizingTheSameInputsTwiceGivesByteIdenticalArtefacts() throws IOException {
        GptqModel again = grouped.quantize(TinyLlamaFactory.randomModel(config, 4L), randomCalibration(config, 24, 7L));
        assertSameTensors(codec.encode(again), codec.encode(actOrderGrouped));
        assertThat(codec.encode(again).parameters()).isEqualTo(codec.encode(actOrderGrouped).parameters());
    }

    @Test
    void actOrderWithGroupsStoresItsGroupIndexAndPaysForIt() {
        String name = LinearId.all(config).get(0).weightName() + ".3bit.group_index";
        Tensor index = codec.encode(actOrderGrouped).tensors().stream().filter(t -> t.name().equals(name))
                .findFirst().orElseThrow();
        assertThat(index.data()).contains(0f, 1f).doesNotContain(2f);
        // The group index costs one 16-bit entry per input column of every matrix; static groups, whose index
        // follows from the column, do without it.
        long columns = LinearId.all(config).stream().mapToLong(id -> id.proj() == Linear.DOWN
                ? config.intermediateSize() : config.hiddenSize()).sum();
        long withIndex = actOrderGrouped.memory(Set.of(3)).residentBytes();
        long withoutIndex = staticGrouped.memory(Set.of(3)).residentBytes();
        assertThat(withIndex - withoutIndex).isEqualTo(2 * columns);
        assertThat(actOrderGrouped.memory(Set.of(3)).tableBytesReadPerToken(3)
                - staticGrouped.memory(Set.of(3)).tableBytesReadPerToken(3)).isEqualTo(2 * columns);
    }

    @Test
    void aGroupIndexThatStaticGroupsDoNotImplyIsRefused() {
        StoredQuantization stored = codec.encode(staticGrouped);
        String index = LinearId.all(config).get(2).weightName() + ".4bit.group_index";
        // Column 0 belongs to group 0 under static groups of 8 columns; claiming group 1 is damage.
        assertThatThrownBy(() -> codec.decode(config, replace(stored, index, t -> withValue(t, 0, 1f))))
                .hasMessageContaining(index).hasMessageContaining("column 0 in group 1")
                .hasMessageContaining("puts it in group 0");
    }

    @Test
    void damagedArtefactsAreRefusedNamingTheTensor() {
        StoredQuantization stored = codec.encode(plain);
        String codes = LinearId.all(config).get(4).weightName() + ".2bit.codes";
        String scales = LinearId.all(config).get(5).weightName() + ".4bit.scales";
        assertThatThrownBy(() -> codec.decode(config, replace(stored, codes, t -> withValue(t, 0, 4f))))
                .hasMessageContaining(codes.replace(".codes", "")).hasMessageContaining("code 4 at row 0 column 0");
        assertThatThrownBy(() -> codec.decode(config, replace(stored, codes, t -> withValue(t, 0, 1.5f))))
                .hasMessageContaining(codes).hasMessageContaining("whole number");
        assertThatThrownBy(() -> codec.decode(config, replace(stored, scales, t -> withValue(t, 0, 0.1f))))
                .hasMessageContaining(scales).hasMessageContaining("not an fp16 value");
        assertThatThrownBy(() -> codec.decode(config, replace(stored, codes,
                t -> new Tensor(t.name(), new int[] {t.dim(1), t.dim(0)}, t.data()))))
                .hasMessageContaining(codes).hasMessageContaining("expected [" + codesShape(stored, codes));
        assertThatThrownBy(() -> codec.decode(config, replace(stored, codes, t -> null)))
                .hasMessageContaining(codes + "' is missing");
        List<Tensor> extra = new ArrayList<>(stored.tensors());
        extra.add(new Tensor("stray", new int[] {1}, new float[] {0}));
        assertThatThrownBy(() -> codec.decode(config, new StoredQuantization("gptq", stored.parameters(), extra)))
                .hasMessageContaining("[stray]");
        assertThatThrownBy(() -> codec.decode(config, withParameter(stored, "grouping", "x")))
                .hasMessageContaining("grouping").hasMessageContaining("'x'");
        assertThatThrownBy(() -> codec.decode(config, withParameter(stored, "static_groups", "yes")))
                .hasMessageContaining("static_groups").hasMessageContaining("'yes'");
        assertThatThrownBy(() -> codec.decode(config, new StoredQuantization("rtn", stored.parameters(),
                stored.tensors()))).hasMessageContaining("'rtn'");
        assertThatThrownBy(() -> codec.decode(TinyLlamaFactory.smallConfig(), stored))
                .hasMessageContaining("has shape [16, 16]; expected [256, 256]");
    }

    private static String codesShape(StoredQuantization stored, String name) {
        Tensor t = stored.tensors().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return t.dim(0) + ", " + t.dim(1) + "]";
    }

    static void assertSameTensors(StoredQuantization actual, StoredQuantization expected) {
        assertThat(actual.tensors()).hasSameSizeAs(expected.tensors());
        for (int i = 0; i < expected.tensors().size(); i++) {
            Tensor a = actual.tensors().get(i);
            Tensor e = expected.tensors().get(i);
            assertThat(a.name()).isEqualTo(e.name());
            assertThat(a.shape()).containsExactly(e.shape());
            // Float.equals compares bit patterns: this is a byte comparison.
            assertThat(a.data()).as(e.name()).containsExactly(e.data());
        }
    }

    private static StoredQuantization replace(StoredQuantization s, String name, UnaryOperator<Tensor> change) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : s.tensors()) {
            Tensor r = t.name().equals(name) ? change.apply(t) : t;
            if (r != null) {
                out.add(r);
            }
        }
        return new StoredQuantization(s.method(), s.parameters(), out);
    }

    private static Tensor withValue(Tensor t, int index, float value) {
        float[] d = t.data().clone();
        d[index] = value;
        return new Tensor(t.name(), t.shape(), d);
    }

    private static StoredQuantization withParameter(StoredQuantization s, String key, String value) {
        Map<String, String> p = new TreeMap<>(s.parameters());
        p.put(key, value);
        return StoredQuantization.of(s.method(), p, s.tensors());
    }
}
