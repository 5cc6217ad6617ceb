package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.Perplexity;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** GPTQ with the reference's defaults on the committed fixture model, judged on held-out calibration text. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GptqFixtureModelTest {

    static final int CALIBRATION = 128;
    static final int HELD_OUT = 64;
    static final int MAX_TOKENS = 128;

    private ModelBundle bundle;
    private List<int[]> heldOut;
    private GptqModel gptq;
    private CalibrationHessians heldOutHessians;

    @BeforeAll
    void quantizeTheFixtureModel() throws IOException {
        bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU);
        List<int[]> calibration = CalibrationText.sequences(bundle.tokenizer(), 0, CALIBRATION, MAX_TOKENS);
        heldOut = CalibrationText.sequences(bundle.tokenizer(), CALIBRATION, HELD_OUT, MAX_TOKENS);
        long start = System.nanoTime();
        gptq = GptqQuantizer.defaults().quantize(bundle.checkpoint(),
                new QuantizationInputs(Optional.empty(), calibration));
        System.out.printf("gptq fixture model at %s bits: %.1f s over %d calibration tokens%n", gptq.bitWidths(),
                (System.nanoTime() - start) / 1e9, CalibrationText.tokens(calibration));
        heldOutHessians = CalibrationHessians.collect(bundle.model(), heldOut, Precision.FULL,
                IntStream.range(0, bundle.config().numLayers()).boxed().collect(Collectors.toSet()));
    }

    @AfterAll
    void close() {
        bundle.close();
    }

    /** Held-out output error {@code ||WX - QX||^2} (up to the factor 2/n) of every matrix, GPTQ and RTN. */
    static Map<Linear, double[]> errorsByType(GptqModel model, CalibrationHessians inputs, ModelBundle bundle,
            int bits, int rtnGroupSize) throws IOException {
        Map<Linear, double[]> out = new EnumMap<>(Linear.class);
        for (LinearId id : LinearId.all(bundle.config())) {
            Tensor w = bundle.checkpoint().tensor(id.weightName());
            InputHessian h = inputs.forLinear(id.layer(), id.proj());
            double g = h.outputError(w, model.dequantized(id.layer(), id.proj(), bits).data());
            double r = h.outputError(w, RtnQuantizer.roundTrip(w, bits, rtnGroupSize).data());
            double[] sums = out.computeIfAbsent(id.proj(), p -> new double[2]);
            sums[0] += g;
            sums[1] += r;
            System.out.printf("%d bits %-40s gptq %.5g rtn %.5g ratio %.3f%n", bits, id, g, r, g / r);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {2, 3, 4})
    void gptqHasLowerHeldOutOutputErrorThanRoundToNearestOnEveryMatrix(int bits) throws IOException {
        for (LinearId id : LinearId.all(bundle.config())) {
            Tensor w = bundle.checkpoint().tensor(id.weightName());
            InputHessian h = heldOutHessians.forLinear(id.layer(), id.proj());
            double g = h.outputError(w, gptq.dequantized(id.layer(), id.proj(), bits).data());
            double r = h.outputError(w, RtnQuantizer.roundTrip(w, bits, 0).data());
            System.out.printf("%d bits %-40s gptq %.5g rtn %.5g ratio %.3f%n", bits, id, g, r, g / r);
            assertThat(g).as("%s at %d bits: GPTQ vs RTN held-out output error", id, bits).isLessThan(r);
        }
    }

    @Test
    void calibrationPerplexityIsMonotoneFromFullPrecisionDownToTwoBits() {
        double full = Perplexity.of(bundle.model(), heldOut, Precision.FULL, 16).perplexity();
        try (DjlLlama quantized = DjlLlama.withProvider(bundle.config(), DjlLlama.reading(bundle.checkpoint()),
                Device.cpu(), (m, c, w) -> new QuantizedWeightProvider(m, c, w, gptq))) {
            double previous = full;
            System.out.printf("held-out calibration perplexity: full %.4f%n", full);
            for (int bits = 4; bits >= 2; bits--) {
                double ppl = Perplexity.of(quantized, heldOut, Precision.bits(bits), 16).perplexity();
                System.out.printf("held-out calibration perplexity: gptq %d bits %.4f%n", bits, ppl);
                assertThat(ppl).as("%d bits after %s", bits, previous).isGreaterThanOrEqualTo(previous);
                previous = ppl;
            }
        }
    }

    @Test
    void servingTwoWidthsKeepsBothSeparateModelsResident() {
        long four = gptq.memory(Set.of(4)).residentBytes();
        long three = gptq.memory(Set.of(3)).residentBytes();
        assertThat(gptq.memory(Set.of(3, 4)).residentBytes()).isEqualTo(three + four);
        long weights = LinearId.all(bundle.config()).stream()
                .mapToLong(id -> org.pmpdrepro.quant.BitPolicy.parameters(bundle.config(), id.proj())).sum();
        // Per-row grids: codes plus one fp16 offset and scale per output row.
        assertThat(gptq.memory(Set.of(4)).bytesReadPerToken(4)).isGreaterThan(weights * 4 / 8)
                .isLessThan(weights * 4 / 8 + weights / 8);
    }
}
