package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.PolicyFootprint;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.store.StoredQuantization;

/** A HAQ model serves its policies matrix by matrix, accounts their memory, and survives its stored form. */
@Tag("unit")
class HaqModelTest {

    static final LlamaConfig CONFIG = TinySearch.CONFIG;
    static InMemoryWeights weights;
    static BitPolicy high;
    static BitPolicy low;
    static HaqModel model;

    /** Widths 2..5 by matrix index (high), one less at odd indices (low): the two share the even matrices. */
    @BeforeAll
    static void quantize() throws Exception {
        weights = TinySearch.model();
        Map<LinearId, Integer> h = new HashMap<>();
        Map<LinearId, Integer> l = new HashMap<>();
        List<LinearId> ids = LinearId.all(CONFIG);
        for (int i = 0; i < ids.size(); i++) {
            h.put(ids.get(i), 2 + i % 4);
            l.put(ids.get(i), i % 2 == 0 ? 2 + i % 4 : 1 + i % 4);
        }
        high = BitPolicy.of("haq-4", h);
        low = BitPolicy.of("haq-3", l);
        model = new HaqQuantizer(Map.of("haq-4", high, "haq-3", low), QuantScheme.KMEANS)
                .quantize(weights, QuantizationInputs.none());
    }

    @Test
    void bitWidthsAreEveryWidthAnyPolicyUses() {
        assertThat(model.bitWidths()).containsExactly(2, 3, 4, 5);
        assertThat(model.policies()).containsOnlyKeys("haq-4", "haq-3");
    }

    @Test
    void servingAPolicyThroughTheProviderEqualsDequantizingEachMatrixAtItsWidth() {
        try (DjlLlama djl = DjlLlama.withProvider(CONFIG, weights.tensors()::get, Device.cpu(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, model))) {
            for (BitPolicy policy : List.of(high, low)) {
                Precision p = policy.precision(CONFIG);
                assertThat(djl.provider().supports(p)).isTrue();
                for (LinearId id : LinearId.all(CONFIG)) {
                    float[] served = djl.provider().linearTransposed(id.layer(), id.proj(), p).toFloatArray();
                    Tensor expected = model.dequantized(id.layer(), id.proj(), policy.bitsFor(id)).transposed();
                    assertThat(served).as("%s under %s", id, policy.name()).containsExactly(expected.data());
                }
            }
        }
    }

    @Test
    void residentBytesOfSeveralPoliciesCountEachDistinctMatrixAndWidthOnce() {
        long highOnly = model.policyMemory(Set.of("haq-4")).orElseThrow().residentBytes();
        long lowOnly = model.policyMemory(Set.of("haq-3")).orElseThrow().residentBytes();
        PolicyFootprint both = model.policyMemory(Set.of("haq-4", "haq-3")).orElseThrow();
        long shared = 0;
        for (LinearId id : LinearId.all(CONFIG)) {
            if (high.bitsFor(id) == low.bitsFor(id)) {
                QuantizedRows q = model.rows(id, high.bitsFor(id));
                shared += q.codeBytes(q.bits()) + q.tableBytes(q.bits());
            }
        }
        assertThat(shared).isPositive();
        assertThat(both.residentBytes()).isEqualTo(highOnly + lowOnly - shared);
        assertThat(both.bytesReadPerToken("haq-4")).isEqualTo(highOnly);
        assertThat(both.bytesReadPerToken("haq-3")).isEqualTo(lowOnly);
        assertThat(both.bytesReadPerToken("haq-4")).isGreaterThan(both.bytesReadPerToken("haq-3"));
    }

    @Test
    void perPolicyBytesAreCodesPackedAtTheirWidthPlusFp16Centroids() {
        long expected = 0;
        for (LinearId id : LinearId.all(CONFIG)) {
            Tensor w = weights.tensors().get(id.weightName());
            int b = high.bitsFor(id);
            expected += Math.ceilDiv((long) w.dim(0) * w.dim(1) * b, 8L) + 2L * w.dim(0) * (1L << b);
        }
        assertThat(model.policyMemory(Set.of("haq-4")).orElseThrow().bytesReadPerToken("haq-4")).isEqualTo(expected);
    }

    @Test
    void uniformWidthsAreAccountedAsSeparateModels() {
        assertThat(model.memory(Set.of(2, 3)).residentBytes())
                .isEqualTo(model.memory(Set.of(2)).residentBytes() + model.memory(Set.of(3)).residentBytes());
        assertThatThrownBy(() -> model.memory(Set.of(7))).hasMessageContaining("7");
    }

    @Test
    void theCodecRoundTripsExactlyPoliciesIncluded() {
        HaqCodec codec = new HaqCodec();
        StoredQuantization stored = codec.encode(model);
        HaqModel back = codec.decode(CONFIG, stored);
        assertThat(back.policies()).isEqualTo(model.policies());
        assertThat(back.bitWidths()).isEqualTo(model.bitWidths());
        assertThat(back.scheme()).isEqualTo(model.scheme());
        for (LinearId id : LinearId.all(CONFIG)) {
            for (int b : model.bitWidths()) {
                assertThat(back.dequantized(id.layer(), id.proj(), b).data())
                        .containsExactly(model.dequantized(id.layer(), id.proj(), b).data());
            }
        }
        assertThat(back.policyMemory(Set.of("haq-4", "haq-3"))).isEqualTo(model.policyMemory(Set.of("haq-4", "haq-3")));
        assertThat(back.memory(Set.of(2, 5))).isEqualTo(model.memory(Set.of(2, 5)));
    }

    @Test
    void aStoredMatrixOfTheWrongShapeIsRejectedByName() {
        StoredQuantization stored = new HaqCodec().encode(model);
        List<Tensor> tensors = new ArrayList<>();
        String victim = HaqCodec.codesName(new LinearId(1, Linear.UP), 3);
        for (Tensor t : stored.tensors()) {
            tensors.add(t.name().equals(victim) ? new Tensor(victim, new int[] {1, t.data().length},
                    t.data()) : t);
        }
        StoredQuantization broken = StoredQuantization.of("haq", stored.parameters(), tensors);
        assertThatThrownBy(() -> new HaqCodec().decode(CONFIG, broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(victim).hasMessageContaining("expected [");
    }

    @Test
    void aWidthNoPolicyUsesIsNotServed() {
        assertThatThrownBy(() -> model.dequantized(0, Linear.Q, 8)).hasMessageContaining("serves bit-widths");
    }
}
