package org.pmpdrepro.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/** GPTQ with the reference's defaults on the committed fixture model, judged on held-out calibration text. */
@Tag("unit")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GptqFixtureModelTest {

    static final int CALIBRATION = 96;
    static final int HELD_OUT = 64;
    static final int MAX_TOKENS = 128;
    static final int GROUP = 64;

    private ModelBundle bundle;
    private List<int[]> heldOut;
    private GptqModel gptq;
    private GptqModel actOrder;
    private GptqModel actOrderGrouped;
    private CalibrationHessians heldOutHessians;

    @BeforeAll
    void quantizeTheFixtureModel() throws IOException {
        bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU);
        List<int[]> calibration = CalibrationText.sequences(bundle.tokenizer(), 0, CALIBRATION, MAX_TOKENS);
        heldOut = CalibrationText.sequences(bundle.tokenizer(), CALIBRATION, HELD_OUT, MAX_TOKENS);
        long start = System.nanoTime();
        QuantizationInputs inputs = new QuantizationInputs(Optional.empty(), calibration);
        gptq = GptqQuantizer.defaults().quantize(bundle.checkpoint(), inputs);
        System.out.printf("gptq fixture model at %s bits: %.1f s over %d calibration tokens%n", gptq.bitWidths(),
                (System.nanoTime() - start) / 1e9, CalibrationText.tokens(calibration));
        GptqQuantizer variants = GptqQuantizer.defaults().withBitWidths(Set.of(2, 4)).withActOrder(true);
        actOrder = variants.quantize(bundle.checkpoint(), inputs);
        actOrderGrouped = variants.withGroupSize(GROUP).quantize(bundle.checkpoint(), inputs);
        heldOutHessians = CalibrationHessians.collect(bundle.model(), heldOut, Precision.FULL,
                IntStream.range(0, bundle.config().numLayers()).boxed().collect(Collectors.toSet()));
    }

    @AfterAll
    void close() {
        bundle.close();
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {2, 3, 4})
    void gptqHasLowerHeldOutOutputErrorThanRoundToNearestOnEveryMatrix(int bits) throws IOException {
        assertBeatsRoundToNearest(gptq, bits, 0);
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {2, 4})
    void actOrderStillBeatsRoundToNearestOnEveryMatrix(int bits) throws IOException {
        assertBeatsRoundToNearest(actOrder, bits, 0);
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {2, 4})
    void actOrderWithGroupsBeatsGroupedRoundToNearestOnEveryMatrix(int bits) throws IOException {
        assertBeatsRoundToNearest(actOrderGrouped, bits, GROUP);
    }

    /**
     * On held-out inputs of the full-precision model, {@code ||WX - QX||^2} of every matrix is lower for
     * {@code model} than for RTN at the same bits and grouping ({@code rtnGroupSize} 0: whole rows).
     */
    private void assertBeatsRoundToNearest(GptqModel model, int bits, int rtnGroupSize) throws IOException {
        for (LinearId id : LinearId.all(bundle.config())) {
            Tensor w = bundle.checkpoint().tensor(id.weightName());
            InputHessian h = heldOutHessians.forLinear(id.layer(), id.proj());
            double g = h.outputError(w, model.dequantized(id.layer(), id.proj(), bits).data());
            double r = h.outputError(w, RtnQuantizer.roundTrip(w, bits, rtnGroupSize).data());
            System.out.printf("%s %d bits %-40s gptq %.5g rtn %.5g ratio %.3f%n", model.settings(), bits, id, g, r,
                    g / r);
            assertThat(g).as("%s at %d bits: GPTQ (%s) vs RTN held-out output error", id, bits, model.settings())
                    .isLessThan(r);
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
                .mapToLong(id -> BitPolicy.parameters(bundle.config(), id.proj())).sum();
        // Per-row grids: codes plus one fp16 offset and scale per output row.
        assertThat(gptq.memory(Set.of(4)).bytesReadPerToken(4)).isGreaterThan(weights * 4 / 8)
                .isLessThan(weights * 4 / 8 + weights / 8);
    }
}
