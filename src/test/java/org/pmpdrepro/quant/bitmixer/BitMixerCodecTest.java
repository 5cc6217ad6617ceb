package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.BlockNorm;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.store.StoredQuantization;

/** The stored form of a Bit-Mixer model round-trips exactly; damaged forms are refused with the tensor named. */
@Tag("unit")
class BitMixerCodecTest {

    static BitMixerModel model;
    static StoredQuantization stored;
    static final BitMixerCodec CODEC = new BitMixerCodec();

    @BeforeAll
    static void encode() throws Exception {
        model = BitMixerModel.of(TinyBitMixer.distinctNorms());
        stored = CODEC.encode(model);
    }

    @Test
    @DisplayName("decode(encode(m)) serves the same matrices, norms, policies and memory accounting")
    void roundTripIsExact() {
        QuantizedModel back = CODEC.decode(TinyBitMixer.CONFIG, stored);
        assertThat(back.bitWidths()).isEqualTo(model.bitWidths());
        assertThat(back.policies()).isEqualTo(model.policies());
        assertThat(back.memory(Set.of(2, 3, 4))).isEqualTo(model.memory(Set.of(2, 3, 4)));
        for (int b : model.bitWidths()) {
            for (LinearId id : LinearId.all(TinyBitMixer.CONFIG)) {
                assertThat(back.dequantized(id.layer(), id.proj(), b).data())
                        .containsExactly(model.dequantized(id.layer(), id.proj(), b).data());
            }
            for (BlockNorm n : BlockNorm.values()) {
                for (int from : model.bitWidths()) {
                    assertThat(back.normWeight(1, n, from, b).orElseThrow().data())
                            .containsExactly(model.normWeight(1, n, from, b).orElseThrow().data());
                }
            }
        }
        assertThat(CODEC.encode(back).parameters()).isEqualTo(stored.parameters());
    }

    @Test
    @DisplayName("a missing tensor, a wrong shape, a non-integer code or a policy splitting q/k/v are refused")
    void damagedFormsAreRefused() {
        String codes = BitMixerCodec.codesName(new LinearId(0, Linear.Q), 3);
        assertThatThrownBy(() -> CODEC.decode(TinyBitMixer.CONFIG, replacing(codes, null)))
                .hasMessageContaining("lacks tensor '" + codes + "'");
        assertThatThrownBy(() -> CODEC.decode(TinyBitMixer.CONFIG,
                replacing(codes, new Tensor(codes, new int[] {2, 2}, new float[4]))))
                .hasMessageContaining(codes).hasMessageContaining("[2, 2]").hasMessageContaining("[32, 32]");
        float[] half = new float[32 * 32];
        half[5] = 0.5f;
        assertThatThrownBy(() -> CODEC.decode(TinyBitMixer.CONFIG,
                replacing(codes, new Tensor(codes, new int[] {32, 32}, half))))
                .hasMessageContaining("element 5 is 0.5").hasMessageContaining("-4..3");

        Map<String, String> params = new TreeMap<>(stored.parameters());
        String policy = params.get("policy.bit-mixer-2");
        String flipped = (policy.charAt(2) == '3' ? "4" : "3");
        params.put("policy.bit-mixer-2", policy.substring(0, 2) + flipped + policy.substring(3));
        assertThatThrownBy(() -> CODEC.decode(TinyBitMixer.CONFIG,
                new StoredQuantization(stored.method(), new TreeMap<>(params), stored.tensors())))
                .hasMessageContaining("k_proj").hasMessageContaining("one width");
    }

    private static StoredQuantization replacing(String name, Tensor replacement) {
        List<Tensor> tensors = new ArrayList<>();
        for (Tensor t : stored.tensors()) {
            if (!t.name().equals(name)) {
                tensors.add(t);
            } else if (replacement != null) {
                tensors.add(replacement);
            }
        }
        return new StoredQuantization(stored.method(), stored.parameters(), tensors);
    }
}
