package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedModel;

/** Fine-tuning on a tiny random model: the schedule, determinism and exact resumption. */
@Tag("unit")
class BitMixerTrainerTest {

    static BitMixerSettings settings(int steps, int uniformSteps) {
        return settings(steps, uniformSteps, TinyBitMixer.WIDTHS, 0.5f);
    }

    static BitMixerSettings settings(int steps, int uniformSteps, java.util.SortedSet<Integer> widths, float distill) {
        return new BitMixerSettings(widths, steps, uniformSteps, 2, 16, 3e-3f, 2, 0.1f, 1.0f, distill, 7L, 1, 3, 4);
    }

    @Test
    @DisplayName("the first phase draws one width for the whole network, the second one per block and group")
    void scheduleIsUniformThenPerGroup() {
        BitWidthSchedule schedule = new BitWidthSchedule(TinyBitMixer.CONFIG, TinyBitMixer.WIDTHS, 20, 5L);
        Set<Integer> uniformWidths = new TreeSet<>();
        boolean sawMixed = false;
        for (int step = 0; step < 60; step++) {
            Map<LinearId, Integer> bits = schedule.at(step);
            assertThat(bits).hasSize(LinearId.all(TinyBitMixer.CONFIG).size());
            assertThat(schedule.at(step)).as("a pure function of the step").isEqualTo(bits);
            if (step < 20) {
                assertThat(new TreeSet<>(bits.values())).hasSize(1);
                uniformWidths.addAll(bits.values());
            } else {
                sawMixed |= new TreeSet<>(bits.values()).size() > 1;
                for (int l = 0; l < TinyBitMixer.CONFIG.numLayers(); l++) {
                    assertThat(bits.get(new LinearId(l, Linear.K))).isEqualTo(bits.get(new LinearId(l, Linear.Q)));
                    assertThat(bits.get(new LinearId(l, Linear.V))).isEqualTo(bits.get(new LinearId(l, Linear.Q)));
                    assertThat(bits.get(new LinearId(l, Linear.UP))).isEqualTo(bits.get(new LinearId(l, Linear.GATE)));
                }
            }
        }
        assertThat(uniformWidths).containsExactly(2, 3, 4);
        assertThat(sawMixed).isTrue();
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights, and a run resumed from its checkpoint equals an"
            + " uninterrupted one")
    void deterministicAndResumable(@TempDir Path dir) throws Exception {
        List<int[]> docs = TinyBitMixer.documents(30, 3L);
        BitMixerSettings s = settings(6, 3);
        BitMixerTrainer.Result first = new BitMixerTrainer(s, dir.resolve("a")).run(TinyBitMixer.base(), docs);
        BitMixerTrainer.Result again = new BitMixerTrainer(s, dir.resolve("b")).run(TinyBitMixer.base(), docs);
        new BitMixerTrainer(s, dir.resolve("c")).runUntil(TinyBitMixer.base(), docs, 4);
        BitMixerTrainer.Result resumed = new BitMixerTrainer(s, dir.resolve("c")).run(TinyBitMixer.base(), docs);

        assertIdentical(again.weights(), first.weights());
        assertIdentical(resumed.weights(), first.weights());
        assertThat(resumed.log()).isEqualTo(first.log());
        assertThat(resumed.initialLoss()).isEqualTo(first.initialLoss());
        BitMixerWeights start = BitMixerWeights.initial(TinyBitMixer.base(), TinyBitMixer.WIDTHS);
        assertThat(first.weights().latent(new LinearId(0, Linear.Q)).data())
                .as("training moved the shared weights").isNotEqualTo(start.latent(new LinearId(0, Linear.Q)).data());
    }

    @Test
    @DisplayName("the loss distils the full-precision model: at 8 bits, nearly lossless, it starts near 0, where"
            + " cross-entropy on the text does not")
    void distillationTargetsTheFullPrecisionModel(@TempDir Path dir) throws Exception {
        List<int[]> docs = TinyBitMixer.documents(30, 3L);
        java.util.SortedSet<Integer> eight = new TreeSet<>(Set.of(8));
        double distilled = new BitMixerTrainer(settings(1, 1, eight, 1f), dir.resolve("kd"))
                .run(TinyBitMixer.base(), docs).log().get(0).loss();
        double text = new BitMixerTrainer(settings(1, 1, eight, 0f), dir.resolve("ce"))
                .run(TinyBitMixer.base(), docs).log().get(0).loss();
        // KL(p_full || p_8bit) of a random model: tiny; the text's cross-entropy: about log(vocab) = 4.2.
        assertThat(distilled).isBetween(0.0, 1e-3);
        assertThat(text).isGreaterThan(3.0);
        assertThatThrownBy(() -> settings(1, 1, eight, 1.5f)).hasMessageContaining("distillation weight 1.5");
    }

    @Test
    @DisplayName("the second phase trains the norm gains of transitions between different widths")
    void transitionNormsAreTrainedInThePerGroupPhase(@TempDir Path dir) throws Exception {
        BitMixerTrainer.Result r = new BitMixerTrainer(settings(8, 2), dir).run(TinyBitMixer.base(),
                TinyBitMixer.documents(30, 3L));
        BitMixerWeights start = BitMixerWeights.initial(TinyBitMixer.base(), TinyBitMixer.WIDTHS);
        long moved = r.weights().tensors().keySet().stream()
                .filter(name -> name.matches(".*layernorm.*\\.b(\\d)-(?!\\1)\\d"))
                .filter(name -> !java.util.Arrays.equals(r.weights().tensors().get(name).data(),
                        start.tensors().get(name).data()))
                .count();
        assertThat(moved).as("gains of transitions from one width to another that moved").isPositive();
    }

    @Test
    @DisplayName("as a Quantizer, Bit-Mixer needs calibration sequences and serves every width it fine-tuned")
    void quantizerFineTunesOnTheCalibrationInputs(@TempDir Path dir) throws Exception {
        BitMixerQuantizer quantizer = new BitMixerQuantizer(settings(2, 1), dir);
        assertThatThrownBy(() -> quantizer.quantize(TinyBitMixer.base(),
                QuantizationInputs.none())).hasMessageContaining("no calibration sequences");
        QuantizationInputs inputs = new QuantizationInputs(Optional.empty(), TinyBitMixer.documents(20, 9L));
        QuantizedModel model = quantizer.quantize(TinyBitMixer.base(), inputs);
        assertThat(model.method()).isEqualTo("bit-mixer");
        assertThat(model.bitWidths()).containsExactly(2, 3, 4);
    }

    static void assertIdentical(BitMixerWeights actual, BitMixerWeights expected) {
        assertThat(actual.tensors().keySet()).containsExactlyElementsOf(expected.tensors().keySet());
        for (Map.Entry<String, Tensor> e : expected.tensors().entrySet()) {
            assertThat(actual.tensors().get(e.getKey()).data()).as(e.getKey()).containsExactly(e.getValue().data());
        }
    }
}
