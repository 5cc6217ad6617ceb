package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;

/** Where GPTQ's Hessians come from: the calibration inputs each block sees in the model as quantized so far. */
@Tag("unit")
class GptqSequentialTest {

    private final LlamaConfig config = TinyLlamaFactory.tinyConfig();
    private final InMemoryWeights weights = TinyLlamaFactory.randomModel(config, 4L);
    private final QuantizationInputs calibration = GptqCodecTest.randomCalibration(config, 24, 7L);

    @Test
    void blockOneIsQuantizedWithInputsFromTheAlreadyQuantizedBlockZero() throws IOException {
        GptqQuantizer q = GptqQuantizer.defaults().withBitWidths(Set.of(2));
        GptqModel model = q.quantize(weights, calibration);
        Precision two = Precision.bits(2);
        StagedWeightProvider[] staged = new StagedWeightProvider[1];
        try (DjlLlama llama = DjlLlama.withProvider(config, DjlLlama.reading(weights), Device.cpu(),
                (m, c, w) -> staged[0] = new StagedWeightProvider(m, c, w, two));
                DjlLlama dense = DjlLlama.dense(weights, Device.cpu())) {
            for (Linear p : Linear.values()) {
                staged[0].replace(new LinearId(0, p), model.dequantized(0, p, 2));
            }
            CalibrationHessians afterQuantized = CalibrationHessians.collect(llama, calibration.calibration(), two,
                    Set.of(1));
            CalibrationHessians afterFull = CalibrationHessians.collect(dense, calibration.calibration(),
                    Precision.FULL, Set.of(1));
            boolean anyDiffers = false;
            for (Linear p : Linear.values()) {
                Tensor w = weights.tensor(p.weight(1));
                assertThat(q.quantizeMatrix(w, afterQuantized.forLinear(1, p), 2).data()).as("%s", p)
                        .containsExactly(model.dequantized(1, p, 2).data());
                anyDiffers |= !Arrays.equals(q.quantizeMatrix(w, afterFull.forLinear(1, p), 2).data(),
                        model.dequantized(1, p, 2).data());
            }
            assertThat(anyDiffers).as("full-precision inputs would have given another block 1").isTrue();
        }
    }

    @Test
    void theKeptStreamsGiveEveryBlocksHessiansBitForBitAsTheWholePrefixPassDoes() {
        LlamaConfig small = TinyLlamaFactory.smallConfig();
        InMemoryWeights model = TinyLlamaFactory.randomModel(small, 9L);
        List<int[]> seqs = GptqCodecTest.randomCalibration(small, 20, 3L).calibration();
        try (DjlLlama dense = DjlLlama.dense(model, Device.cpu());
                CalibrationStream stream = CalibrationStream.start(dense, seqs)) {
            for (int l = 0; l < small.numLayers(); l++) {
                CalibrationHessians kept = stream.hessians(Precision.FULL);
                CalibrationHessians prefix = CalibrationHessians.collect(dense, seqs, Precision.FULL, Set.of(l));
                for (Linear p : Linear.values()) {
                    // Arrays.equals compares the bits of every entry.
                    assertThat(Arrays.equals(kept.forLinear(l, p).values(), prefix.forLinear(l, p).values()))
                            .as("block %d %s", l, p).isTrue();
                }
                stream.advance(Precision.FULL);
            }
            assertThat(stream.block()).isEqualTo(small.numLayers());
        }
    }

    @Test
    void batchingWithPaddingGivesTheHessianOfEachSequenceOnItsOwn() {
        List<int[]> seqs = calibration.calibration();
        try (DjlLlama dense = DjlLlama.dense(weights, Device.cpu())) {
            CalibrationHessians batched = CalibrationHessians.collect(dense, seqs, Precision.FULL, Set.of(0, 1));
            for (Linear p : List.of(Linear.Q, Linear.O, Linear.GATE, Linear.DOWN)) {
                InputHessian together = batched.forLinear(1, p);
                int n = together.size();
                double[] sum = new double[n * n];
                long tokens = 0;
                for (int[] s : seqs) {
                    InputHessian alone = CalibrationHessians.collect(dense, List.of(s), Precision.FULL, Set.of(1))
                            .forLinear(1, p);
                    tokens += alone.samples();
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += alone.values()[i] * alone.samples() / 2;
                    }
                }
                assertThat(together.samples()).isEqualTo(tokens)
                        .isEqualTo(seqs.stream().mapToLong(s -> s.length).sum());
                double[] expected = InputHessian.fromGram(n, tokens, sum).values();
                double[] actual = together.values();
                List<String> off = new ArrayList<>();
                for (int i = 0; i < actual.length; i++) {
                    if (Math.abs(actual[i] - expected[i]) > 1e-4 * (1 + Math.abs(expected[i]))) {
                        off.add(i + ": " + actual[i] + " vs " + expected[i]);
                    }
                }
                assertThat(off).as("%s input Hessian entries", p).isEmpty();
            }
        }
    }

    @Test
    void tokensOutsideTheVocabularyOrNoCalibrationAreRefused() {
        assertThatRefused(new QuantizationInputs(Optional.empty(), List.of(new int[] {1, 2, 50})),
                "calibration sequence 0 position 2: token 50 outside the vocabulary [0, 50)");
        assertThatRefused(QuantizationInputs.none(), "gptq needs calibration sequences");
    }

    private void assertThatRefused(QuantizationInputs inputs, String message) {
        assertThatThrownBy(() -> GptqQuantizer.defaults().quantize(weights, inputs))
                .hasMessageContaining(message);
    }
}
