package org.pmpdrepro.quant.anyprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.model.InMemoryWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizationInputs;
import org.pmpdrepro.quant.RandomMatrices;
import org.pmpdrepro.quant.SensitivitySource;
import org.pmpdrepro.quant.store.CalibrationSet;

@Tag("unit")
class FisherSensitivitiesTest {

    static final LlamaConfig CONFIG = TinyLlamaFactory.tinyConfig();
    static final InMemoryWeights MODEL = TinyLlamaFactory.randomModel(CONFIG, 21L);
    static final int[] SEQ_A = randomSequence(1, 12);
    static final int[] SEQ_B = randomSequence(2, 9);

    static FisherSensitivities fisherA;
    static FisherSensitivities fisherB;
    static FisherSensitivities fisherAB;

    @BeforeAll
    static void compute() {
        fisherA = FisherSensitivities.compute(MODEL, "model-21", CalibrationSet.of("a", List.of(SEQ_A)));
        fisherB = FisherSensitivities.compute(MODEL, "model-21", CalibrationSet.of("b", List.of(SEQ_B)));
        fisherAB = FisherSensitivities.compute(MODEL, "model-21", CalibrationSet.of("ab", List.of(SEQ_A, SEQ_B)));
    }

    static int[] randomSequence(long seed, int length) {
        Random r = new Random(seed);
        int[] s = new int[length];
        for (int i = 0; i < length; i++) {
            s[i] = r.nextInt(CONFIG.vocabSize());
        }
        return s;
    }

    /** Mean next-token cross-entropy of {@code seq} under the plain-Java oracle, in double. */
    static double loss(Map<String, Tensor> weights, int[] seq) {
        float[][] logits = OracleLlama.of(CONFIG, weights).logits(java.util.Arrays.copyOf(seq, seq.length - 1));
        double sum = 0;
        for (int t = 0; t < logits.length; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[t]) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (float v : logits[t]) {
                z += Math.exp(v - max);
            }
            sum += max + Math.log(z) - logits[t][seq[t + 1]];
        }
        return sum / logits.length;
    }

    static double finiteDifference(LinearId id, int index, int[] seq) {
        double eps = 1e-3;
        Map<String, Tensor> weights = new HashMap<>(MODEL.tensors());
        Tensor w = weights.get(id.weightName());
        float[] plus = w.data().clone();
        float[] minus = w.data().clone();
        plus[index] += (float) eps;
        minus[index] -= (float) eps;
        double h = plus[index] - w.data()[index];
        double l = minus[index] - w.data()[index];
        weights.put(id.weightName(), new Tensor(w.name(), w.shape(), plus));
        double lp = loss(weights, seq);
        weights.put(id.weightName(), new Tensor(w.name(), w.shape(), minus));
        double lm = loss(weights, seq);
        return (lp - lm) / (h - l);
    }

    @Test
    void fisherOfOneSequenceIsTheSquaredFiniteDifferenceGradient() {
        for (LinearId id : List.of(new LinearId(0, Linear.Q), new LinearId(0, Linear.V), new LinearId(1, Linear.DOWN),
                new LinearId(1, Linear.GATE))) {
            float[] f = fisherA.of(id).data();
            // The three largest entries (well above the finite difference's noise) and one ordinary one.
            int[] picks = largest(f, 3);
            for (int index : new int[] {picks[0], picks[1], picks[2], f.length / 2}) {
                double g = finiteDifference(id, index, SEQ_A);
                assertThat((double) f[index]).as(id + " element " + index)
                        .isCloseTo(g * g, within(0.02 * g * g + 1e-7));
            }
        }
    }

    static int[] largest(float[] f, int k) {
        return java.util.stream.IntStream.range(0, f.length).boxed()
                .sorted((a, b) -> Float.compare(f[b], f[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void fisherOfSeveralSequencesIsTheSumOfTheirSquaredGradients() {
        for (LinearId id : LinearId.all(CONFIG)) {
            float[] a = fisherA.of(id).data();
            float[] b = fisherB.of(id).data();
            float[] ab = fisherAB.of(id).data();
            for (int i = 0; i < ab.length; i++) {
                assertThat(ab[i]).as(id + " element " + i).isCloseTo(a[i] + b[i], within(1e-5f * (a[i] + b[i]) + 1e-12f));
            }
        }
        assertThat(fisherAB.provenance().sequences()).isEqualTo(2);
    }

    @Test
    void everyMatrixHasTheWeightShapeAndSomePositiveSensitivity() throws IOException {
        for (LinearId id : LinearId.all(CONFIG)) {
            Tensor w = MODEL.tensor(id.weightName());
            Tensor f = fisherA.sensitivity(id, w);
            assertThat(f.shape()).isEqualTo(w.shape());
            double total = 0;
            for (float v : f.data()) {
                assertThat(v).as(id.toString()).isGreaterThanOrEqualTo(0f);
                total += v;
            }
            assertThat(total).as(id.toString()).isPositive();
        }
    }

    @Test
    void aNonFiniteGradientIsAnErrorNamingTheSequenceNotANanSum() {
        Map<String, Tensor> weights = new HashMap<>(MODEL.tensors());
        Tensor w = weights.get(new LinearId(1, Linear.UP).weightName());
        float[] poisoned = w.data().clone();
        poisoned[0] = Float.NaN;
        weights.put(w.name(), new Tensor(w.name(), w.shape(), poisoned));
        InMemoryWeights broken = new InMemoryWeights(CONFIG, weights);
        assertThatThrownBy(() -> FisherSensitivities.compute(broken, "broken", CalibrationSet.of("ab", List.of(SEQ_A, SEQ_B))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sequence 0 (12 tokens)")
                .hasMessageContaining("non-finite");
    }

    @Test
    void computingTwiceGivesIdenticalValues() {
        FisherSensitivities again = FisherSensitivities.compute(MODEL, "model-21", CalibrationSet.of("a", List.of(SEQ_A)));
        assertThat(again.contentSha256()).isEqualTo(fisherA.contentSha256());
    }

    @Test
    void savedSensitivitiesLoadIdenticallyWithTheirProvenance(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fisher.safetensors");
        fisherAB.save(file);
        FisherSensitivities loaded = FisherSensitivities.load(file, CONFIG, "model-21");
        assertThat(loaded.provenance()).isEqualTo(fisherAB.provenance());
        assertThat(loaded.contentSha256()).isEqualTo(fisherAB.contentSha256());
        for (LinearId id : LinearId.all(CONFIG)) {
            assertThat(loaded.of(id).data()).isEqualTo(fisherAB.of(id).data());
        }
    }

    @Test
    void aLoadedFileReplacedWhileInUseIsRefusedNamingTheFileAndTensor(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fisher.safetensors");
        fisherA.save(file);
        FisherSensitivities loaded = FisherSensitivities.load(file, CONFIG, "model-21");
        LinearId id = new LinearId(1, Linear.UP);
        assertThat(loaded.of(id).data()).isEqualTo(fisherA.of(id).data());
        fisherB.save(file);
        assertThatThrownBy(() -> loaded.of(id)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("'" + id.weightName() + "'")
                .hasMessageContaining("changed since the file was loaded");
        assertThat(loaded.contentSha256()).as("the hash of the values checked on loading")
                .isEqualTo(fisherA.contentSha256());
    }

    @Test
    void computingIntoAFileWritesTheBytesOfSavingTheComputedValues(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("saved.safetensors");
        Path streamed = dir.resolve("streamed.safetensors");
        fisherAB.save(saved);
        FisherSensitivities f = FisherSensitivities.computeTo(streamed, MODEL, "model-21",
                CalibrationSet.of("ab", List.of(SEQ_A, SEQ_B)));
        assertThat(java.nio.file.Files.readAllBytes(streamed)).isEqualTo(java.nio.file.Files.readAllBytes(saved));
        assertThat(f.contentSha256()).isEqualTo(fisherAB.contentSha256());
        assertThat(f.provenance()).isEqualTo(fisherAB.provenance());
    }

    @Test
    void aFailedComputationIntoAFileLeavesTheFileAsItWas(@TempDir Path dir) throws IOException {
        Map<String, Tensor> weights = new HashMap<>(MODEL.tensors());
        Tensor w = weights.get(new LinearId(0, Linear.Q).weightName());
        float[] poisoned = w.data().clone();
        poisoned[0] = Float.NaN;
        weights.put(w.name(), new Tensor(w.name(), w.shape(), poisoned));
        Path file = dir.resolve("fisher.safetensors");
        fisherA.save(file);
        byte[] before = java.nio.file.Files.readAllBytes(file);
        // (SafetensorsRoundTripTest fails a writer with some tensors already in the temporary file.)
        assertThatThrownBy(() -> FisherSensitivities.computeTo(file, new InMemoryWeights(CONFIG, weights), "broken",
                        CalibrationSet.of("a", List.of(SEQ_A))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-finite");
        assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(before);
        assertThat(dir.toFile().list()).containsExactly("fisher.safetensors");
    }

    @Test
    void theCacheComputesOnceAndReturnsWhatItSavedWithTheComputedValues(@TempDir Path dir) throws IOException {
        CalibrationSet ab = CalibrationSet.of("ab", List.of(SEQ_A, SEQ_B));
        FisherSensitivities first = FisherCache.loadOrCompute(null, dir, MODEL, "model-21", ab);
        assertThat(first.contentSha256()).isEqualTo(fisherAB.contentSha256());
        for (LinearId id : LinearId.all(CONFIG)) {
            assertThat(first.of(id).data()).isEqualTo(fisherAB.of(id).data());
        }
        try (var files = java.nio.file.Files.list(dir)) {
            List<Path> saved = files.toList();
            assertThat(saved).hasSize(1);
            long modified = java.nio.file.Files.getLastModifiedTime(saved.get(0)).toMillis();
            FisherSensitivities again = FisherCache.loadOrCompute(null, dir, MODEL, "model-21", ab);
            assertThat(again.contentSha256()).isEqualTo(fisherAB.contentSha256());
            assertThat(java.nio.file.Files.getLastModifiedTime(saved.get(0)).toMillis()).as("not rewritten")
                    .isEqualTo(modified);
        }
    }

    /**
     * The block-by-block pass against one backward pass through the whole graph per sequence (fresh leaf copies of
     * every matrix, the squares summed in sequence order): the same bits, for sequences of different lengths.
     */
    @Test
    void blockByBlockSumsEqualThoseOfOneFullBackwardPassPerSequence() {
        Map<LinearId, float[]> expected = new HashMap<>();
        try (DjlLlama dense = DjlLlama.dense(MODEL, Device.cpu())) {
            for (int[] seq : List.of(SEQ_A, SEQ_B)) {
                try (NDManager m = dense.manager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Map<LinearId, NDArray> leaves = new HashMap<>();
                    for (LinearId id : LinearId.all(CONFIG)) {
                        NDArray leaf = dense.linearTransposed(id.layer(), id.proj(), Precision.FULL).duplicate();
                        leaf.attach(m);
                        leaf.setRequiresGradient(true);
                        leaves.put(id, leaf);
                    }
                    int n = seq.length;
                    long[] in = new long[n - 1];
                    long[] target = new long[n - 1];
                    long[] pos = new long[n - 1];
                    for (int t = 0; t < n - 1; t++) {
                        in[t] = seq[t];
                        target[t] = seq[t + 1];
                        pos[t] = t;
                    }
                    LlamaWeights w = new FisherGradients.WithLeaves(dense, leaves);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray hidden = LlamaGraph.hidden(w, m.create(in, new Shape(1, n - 1)),
                                m.create(pos, new Shape(1, n - 1)), null, null, RowPrecisions.uniform(Precision.FULL, 1));
                        NDArray logp = LlamaGraph.logits(w, hidden).logSoftmax(-1);
                        gc.backward(logp.gather(m.create(target, new Shape(1, n - 1)).expandDims(-1), -1).mean().neg());
                    }
                    for (LinearId id : LinearId.all(CONFIG)) {
                        // [in, out] as the decoder holds it, summed in sequence order as the pass does.
                        float[] sq = leaves.get(id).getGradient().square().toFloatArray();
                        float[] sum = expected.computeIfAbsent(id, k -> new float[sq.length]);
                        for (int i = 0; i < sq.length; i++) {
                            sum[i] += sq[i];
                        }
                    }
                }
            }
        }
        for (LinearId id : LinearId.all(CONFIG)) {
            int[] shape = id.shape(CONFIG);
            float[] oracle = new Tensor(id.weightName(), new int[] {shape[1], shape[0]}, expected.get(id)).transposed()
                    .data();
            assertThat(fisherAB.of(id).data()).as(id.toString()).containsExactly(oracle);
        }
    }

    @Test
    void loadingForAnotherModelOrArchitectureIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fisher.safetensors");
        fisherA.save(file);
        assertThatThrownBy(() -> FisherSensitivities.load(file, CONFIG, "other-model"))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString()).hasMessageContaining("other-model");
        LlamaConfig wider = new LlamaConfig(50, 32, 32, 2, 4, 2, 256, 1e-5, 10000.0, false, 1, 2);
        assertThatThrownBy(() -> FisherSensitivities.load(file, wider))
                .isInstanceOf(IOException.class).hasMessageContaining("has shape").hasMessageContaining("needs");
    }

    @Test
    void anyPrecisionWithFisherHasLowerFisherWeightedErrorThanWithUniformSensitivities() throws IOException {
        List<int[]> seqs = List.of(SEQ_A, SEQ_B, randomSequence(3, 20), randomSequence(4, 16));
        FisherSensitivities fisher = FisherSensitivities.compute(MODEL, "model-21", CalibrationSet.of("4", seqs));
        AnyPrecisionQuantizer q = AnyPrecisionQuantizer.defaults();
        AnyPrecisionModel weighted = (AnyPrecisionModel) q.quantize(MODEL, QuantizationInputs.withSensitivities(fisher));
        AnyPrecisionModel plain = (AnyPrecisionModel) q.quantize(MODEL,
                QuantizationInputs.withSensitivities(SensitivitySource.uniform()));
        for (int bits = 2; bits <= 4; bits++) {
            double withFisher = 0;
            double withUniform = 0;
            for (LinearId id : LinearId.all(CONFIG)) {
                Tensor w = MODEL.tensor(id.weightName());
                Tensor f = fisher.of(id);
                withFisher += RandomMatrices.weightedError(w, weighted.dequantized(id.layer(), id.proj(), bits).data(), f);
                withUniform += RandomMatrices.weightedError(w, plain.dequantized(id.layer(), id.proj(), bits).data(), f);
            }
            assertThat(withFisher).as(bits + " bits").isLessThan(withUniform);
        }
    }
}
