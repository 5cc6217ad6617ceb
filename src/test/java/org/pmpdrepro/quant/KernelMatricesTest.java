package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.LookupGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.UniformKernel;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.gptq.GptqQuantizer;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/**
 * The packed kernels serve each method's matrices with exactly the weights its own dequantization gives (bit for
 * bit, every weight of every matrix at every width), and their products agree with a double-precision product of
 * those weights within the kernels' stated tolerance (1e-5 of sum |w x| per row: {@code PlaneGemvTest},
 * {@code CentroidGemvTest}; the 16-bit integer kernel within its rounding bound besides: {@code LookupGemvTest}).
 * Rows (48, 100) and columns (100) that are not multiples of the kernels' blocks.
 */
@Tag("unit")
class KernelMatricesTest {

    static final LlamaConfig CONFIG = new LlamaConfig(64, 48, 100, 2, 4, 2, 128, 1e-5, 10000.0, false, 1, 2);
    static final InMemoryWeights MODEL = new InMemoryWeights(CONFIG, TinyLlamaFactory.randomWeights(CONFIG, 31L));
    static OffHeap memory;
    static List<int[]> calibration;

    @BeforeAll
    static void setUp() {
        memory = new OffHeap();
        Random r = new Random(7);
        calibration = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int[] seq = new int[24];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = r.nextInt(CONFIG.vocabSize());
            }
            calibration.add(seq);
        }
    }

    @AfterAll
    static void tearDown() {
        memory.close();
    }

    private static void servesExactlyTheModelsWeights(QuantizedModel q) {
        servesExactlyTheModelsWeights(q, UniformKernel.FP32);
    }

    /**
     * The weights bit for bit by either uniform kernel; the 16-bit integer kernel's products within its own rounding
     * bound besides ({@code LookupGemvTest}).
     */
    private static void servesExactlyTheModelsWeights(QuantizedModel q, UniformKernel uniform) {
        Random r = new Random(3);
        for (int layer = 0; layer < CONFIG.numLayers(); layer++) {
            for (Linear proj : Linear.values()) {
                for (int bits : q.bitWidths()) {
                    String what = q.method() + " " + proj.weight(layer) + " at " + bits + " bits";
                    CodedMatrix coded = q.coded(layer, proj, bits).orElseThrow();
                    Gemv k = KernelMatrices.of(coded, memory, what, uniform);
                    if (uniform == UniformKernel.INT16 && (coded.values() instanceof CodedMatrix.Affine
                            || bits == 2)) {
                        assertThat(k).as(what).isInstanceOf(LookupGemv.class);
                    }
                    Tensor t = q.dequantized(layer, proj, bits);
                    int rows = t.shape()[0];
                    int cols = t.shape()[1];
                    assertThat(new int[] {k.rows(), k.cols()}).as(what).containsExactly(rows, cols);
                    for (int row = 0; row < rows; row++) {
                        for (int c = 0; c < cols; c++) {
                            float expected = t.data()[row * cols + c];
                            if (Float.floatToRawIntBits(k.weight(row, c)) != Float.floatToRawIntBits(expected)
                                    || Float.floatToRawIntBits(coded.weight(row, c))
                                            != Float.floatToRawIntBits(expected)) {
                                throw new AssertionError(what + ": weight (" + row + ", " + c + ") is "
                                        + k.weight(row, c) + " in the kernel, " + coded.weight(row, c)
                                        + " by the coded rule; the model dequantizes it to " + expected);
                            }
                        }
                    }
                    float[] x = new float[cols];
                    for (int c = 0; c < cols; c++) {
                        x[c] = (float) r.nextGaussian();
                    }
                    float[] y = new float[rows];
                    k.multiply(x, y);
                    Gemv.Prepared prepared = k.prepare(x);
                    for (int row = 0; row < rows; row++) {
                        double rounding = k instanceof LookupGemv l ? l.roundingBound(prepared, row) : 0;
                        double ref = 0;
                        double magnitude = 0;
                        for (int c = 0; c < cols; c++) {
                            double w = t.data()[row * cols + c];
                            ref += w * x[c];
                            magnitude += Math.abs(w * x[c]);
                        }
                        assertThat((double) y[row]).as("%s row %d", what, row).isCloseTo(ref,
                                within(rounding + 1e-5 * magnitude + 1e-12));
                    }
                }
            }
        }
    }

    @Test
    void rtnPerRowAndGrouped() throws IOException {
        servesExactlyTheModelsWeights(RtnQuantizer.perRow(Set.of(2, 3, 4, 8)).quantize(MODEL,
                QuantizationInputs.none()));
        servesExactlyTheModelsWeights(RtnQuantizer.equalBytes(Set.of(2, 3, 4)).quantize(MODEL,
                QuantizationInputs.none()));
    }

    @Test
    void gptqWithActOrderAndStaticGroupsAsTheAblationsBuildIt() throws IOException {
        servesExactlyTheModelsWeights(GptqQuantizer.equalBytes().quantize(MODEL,
                new QuantizationInputs(Optional.empty(), calibration)));
        servesExactlyTheModelsWeights(GptqQuantizer.defaults().withGroupSize(20).quantize(MODEL,
                new QuantizationInputs(Optional.empty(), calibration)));
    }

    @Test
    void theInt16KernelServesRtnAndGptqGridsWithTheirWeightsGroupsNotOfSixteenColumnsPadded() throws IOException {
        servesExactlyTheModelsWeights(RtnQuantizer.perRow(Set.of(2, 3, 4, 8)).quantize(MODEL,
                QuantizationInputs.none()), UniformKernel.INT16);
        servesExactlyTheModelsWeights(RtnQuantizer.equalBytes(Set.of(2, 3, 4)).quantize(MODEL,
                QuantizationInputs.none()), UniformKernel.INT16);
        servesExactlyTheModelsWeights(GptqQuantizer.defaults().withGroupSize(20).quantize(MODEL,
                new QuantizationInputs(Optional.empty(), calibration)), UniformKernel.INT16);
        servesExactlyTheModelsWeights(GptqQuantizer.defaults().withGroupSize(32).quantize(MODEL,
                new QuantizationInputs(Optional.empty(), calibration)), UniformKernel.INT16);
    }

    @Test
    void anyPrecisionAtEveryWidth() throws IOException {
        servesExactlyTheModelsWeights(AnyPrecisionQuantizer.defaults().quantize(MODEL,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform())));
    }

    @Test
    void theInt16KernelServesAnyPrecisionAtTwoBitsWithItsWeights() throws IOException {
        servesExactlyTheModelsWeights(AnyPrecisionQuantizer.defaults().quantize(MODEL,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform())), UniformKernel.INT16);
    }

    @Test
    void runWidthIsTheWidthOfGroupsOfConsecutiveColumnsOnly() {
        short[] two = new short[2];
        assertThat(new CodedMatrix.Affine(1, new int[] {0, 0, 0}, new short[1], new short[1]).runWidth())
                .as("one group").isEqualTo(3);
        assertThat(new CodedMatrix.Affine(2, new int[] {0, 0, 1}, two, two).runWidth()).as("shorter last group")
                .isEqualTo(2);
        assertThat(new CodedMatrix.Affine(2, new int[] {1, 0, 0}, two, two).runWidth()).as("first column in group 1")
                .isEqualTo(-1);
        assertThat(new CodedMatrix.Affine(2, new int[] {0, 1, 0, 1}, two, two).runWidth()).as("interleaved")
                .isEqualTo(-1);
        assertThat(new CodedMatrix.Affine(2, new int[] {0, 0, 0}, two, two).runWidth()).as("a group no column uses")
                .isEqualTo(-1);
    }

    @Test
    void paddedGroupsAreReadAndCounted() {
        int[] codes = new int[2 * 12];
        CodedMatrix m = new CodedMatrix(2, 12, 3, codes, new CodedMatrix.Affine(2,
                new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, new short[4], new short[4]));
        // Two runs of 6 columns, each padded to 8: 4 groups of 4 columns, 3 planes of 16 bytes each, one row block;
        // plus fp16 offsets and scales of one 32-row block and 2 groups.
        assertThat(KernelMatrices.of(m, memory, "w").bytesRead()).isEqualTo(4L * 3 * 16 + 2L * 2 * 2 * 32);
    }

    @Test
    void gptqGroupsThatFollowThePermutedColumnOrderAreRefusedNamingTheMatrix() throws IOException {
        QuantizedModel q = GptqQuantizer.defaults().withActOrder(true).withGroupSize(20).quantize(MODEL,
                new QuantizationInputs(Optional.empty(), calibration));
        CodedMatrix coded = q.coded(0, Linear.DOWN, 3).orElseThrow();
        assertThat(((CodedMatrix.Affine) coded.values()).runWidth()).isEqualTo(-1);
        assertThatThrownBy(() -> KernelMatrices.of(coded, memory, "gptq layer 0 down"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gptq layer 0 down: its 5 groups are not runs of consecutive columns");
    }
}
