package org.pmpdrepro.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.OracleAgreement;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.cpu.JavaDecoder;
import org.pmpdrepro.decode.cpu.JavaLlama;
import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.LookupGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.PlaneGemv;
import org.pmpdrepro.decode.cpu.kernel.RowThreads;
import org.pmpdrepro.decode.cpu.kernel.UniformKernel;
import org.pmpdrepro.model.OracleLlama;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.ProgressivePlan;
import org.pmpdrepro.quant.methods.Backbones;

/**
 * The packed Java engine ({@code --engine java}) against the DJL decoder on the committed fixture model: the same
 * greedy tokens for every back-bone the kernels serve (RTN, GPTQ, Any-Precision in the ablations' configuration) at
 * every width, at full precision, and under PMPD schedules that switch precision mid-decode; and its logits within a
 * stated tolerance of the plain-Java oracle run on the same method's dequantized weights. The same for
 * {@code --engine java-int16} (RTN's and GPTQ's grids and Any-Precision at 2 bits by the 16-bit integer kernel), with
 * its own logit tolerance, and its measured agreement with the DJL decoder's tokens (not complete: see
 * {@link #INT16_DIFFERING_DECODES}).
 */
@Tag("unit")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaEngineConformanceTest {

    /** Prompts of each task's test split decoded by both engines. */
    static final int PROMPTS = 4;

    /**
     * Worst logit error relative to the position's largest oracle logit. The oracle sums in double, the engine in fp32
     * in its kernels' order (their own tolerance: {@code PlaneGemvTest}, {@code CentroidGemvTest}): they differ by
     * rounding only. Measured when this test was written (with the earlier kernels): 0.8e-6 at full precision, 1.3e-6
     * to 4.8e-6 at 2-4 bits (GPTQ 2 bits the worst); the bound leaves four times that.
     */
    static final double LOGIT_TOLERANCE = 2e-5;

    static final List<String> METHODS = List.of("rtn", "gptq", "any-precision");

    /**
     * The same measure for the 16-bit integer kernel ({@code --engine java-int16}: uniform grids, and Any-Precision at
     * 2 bits since it was added), which rounds the input's sums. Set before its first run, for the kernel's first form
     * (sums to 1023 steps per 128 columns, about 1e-3 relative per product): errors of 1e-3 in each of the 7 products
     * of every block, compounding over the blocks, the worst position and logit taken, 2e-2. That form measured 0.9e-2
     * to 2.25e-2 (RTN 2 bits over it); the kernel's final form (8191 steps per 64 columns) measures 0.8e-3 to 1.7e-3
     * on the uniform grids and 0.9e-3 on Any-Precision at 2 bits (its 3 and 4 bits are the exact kernel's, 0.9e-6 and
     * 0.7e-6). The bound is kept.
     */
    static final double INT16_LOGIT_TOLERANCE = 2e-2;

    /**
     * Of a method's 12 decodes at one plan (3 tasks, 4 prompts), how many the int16 engine may decode to other tokens
     * than the DJL decoder's. The criterion set before the first run was none (the requirement for the Java
     * back-end); the kernel's first form changed 0-6 of 12 per plan, its final form changes one decode each of RTN at
     * 2 bits and at 3>2 (after 151 and 342 of 188 and 347 tokens agree) and none elsewhere: 2 of 144. So the int16
     * engine does NOT give the DJL decoder's greedy tokens everywhere, and its results are not the reproduction's;
     * these bounds, set after seeing the measurement, are that measurement, to catch it getting worse. Any-Precision
     * at 2 bits by the same kernel (criterion before its first run: none) changes one decode at 2 bits (after 240 of
     * its 260 tokens agree) and none at 3>2: 3 of the 168 int16 decodes in all.
     */
    static final Map<String, Integer> INT16_DIFFERING_DECODES = Map.of("rtn 2", 1, "rtn 3>2", 1,
            "any-precision 2", 1);

    static final List<String> UNIFORM_METHODS = List.of("rtn", "gptq");

    /**
     * Any-Precision's plans that the int16 engine decodes differently from the java engine: those at 2 bits (its other
     * widths are {@code CentroidGemv}'s in both). Criterion for them, set before their first run: no decode differs
     * from the DJL decoder's (measured: one does, see {@link #INT16_DIFFERING_DECODES}), and logits within
     * {@link #INT16_LOGIT_TOLERANCE} of the oracle.
     */
    static final List<String> ANY_PRECISION_INT16_PLANS = List.of("2", "3>2");

    private ModelBundle bundle;
    private OffHeap memory;
    private RowThreads threads;
    private final Map<String, QuantizedModel> models = new HashMap<>();
    private final Map<String, JavaLlama> engines = new HashMap<>();
    private final Map<String, JavaLlama> int16Engines = new HashMap<>();
    private final Map<String, KernelLinears> int16Linears = new HashMap<>();
    private final Map<String, KernelLinears> linears = new HashMap<>();

    @BeforeAll
    void build() throws IOException {
        bundle = ModelBundle.open(ModelBundle.DEFAULT_DIR, DeviceChoice.CPU);
        memory = new OffHeap();
        threads = new RowThreads(2);
        Backbones backbones = Backbones.defaults();
        JavaLlama.Dense dense = JavaLlama.Dense.of(bundle.checkpoint(), DenseGemv.Element.F32, memory);
        for (String method : METHODS) {
            QuantizedModel q = backbones.build(method, bundle);
            models.put(method, q);
            linears.put(method, KernelLinears.of(q, q.bitWidths(), Optional.of(bundle.checkpoint()),
                    DenseGemv.Element.F32, memory));
            engines.put(method, new JavaLlama(bundle.config(), dense, linears.get(method), threads));
            int16Linears.put(method, KernelLinears.of(q, q.bitWidths(), Optional.of(bundle.checkpoint()),
                    DenseGemv.Element.F32, memory, UniformKernel.INT16));
            int16Engines.put(method, new JavaLlama(bundle.config(), dense, int16Linears.get(method), threads));
        }
    }

    @AfterAll
    void close() {
        threads.close();
        memory.close();
        bundle.close();
    }

    /** {@code <s>} + prompt of the first test examples of {@code task}, as every ablation decodes. */
    private List<int[]> prompts(Task task) {
        List<int[]> out = new ArrayList<>();
        for (TaskExample e : TaskFixtures.load(TaskFixtures.DEFAULT_DIR, task, Split.TEST).subList(0, PROMPTS)) {
            int[] ids = bundle.tokenizer().encode(e.prompt());
            int[] withBos = new int[ids.length + 1];
            withBos[0] = bundle.tokenizer().bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            out.add(withBos);
        }
        return out;
    }

    static Stream<Arguments> methodsAndPlans() {
        List<Arguments> out = new ArrayList<>();
        for (String method : METHODS) {
            for (String plan : List.of("2", "3", "4", "16", "4>3", "3>2")) {
                out.add(Arguments.of(method, plan));
            }
        }
        return out.stream();
    }

    /** A fixed width, or a PMPD progressive schedule switching after its fourth decode step. */
    private static PrecisionPlan plan(String label) {
        return label.contains(">") ? ProgressivePlan.uniform(PrecisionPair.parse(label), 4)
                : PrecisionPlan.fixed(Precision.bits(Integer.parseInt(label)));
    }

    /** One prompt decoded by the DJL decoder and by a Java engine. */
    private record Decoded(Task task, int prompt, Generation djl, Generation java) {}

    /** The first {@link #PROMPTS} test prompts of every task decoded at {@code label} by DJL and by {@code engine}. */
    private List<Decoded> decodeBoth(String method, String label, JavaLlama engine) {
        DjlLlama djl = DjlLlama.withProvider(bundle.config(), DjlLlama.reading(bundle.checkpoint()), bundle.model().device(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, models.get(method)));
        List<Decoded> out = new ArrayList<>();
        try (djl) {
            for (Task task : Task.values()) {
                List<int[]> prompts = prompts(task);
                PrecisionPlan plan = plan(label);
                DecodeResult expected = new GreedyDecoder(djl, PROMPTS, bundle.tokenizer().padId())
                        .generate(prompts, task.maxNewTokens(), bundle.tokenizer().eosId(), plan);
                DecodeResult actual = new JavaDecoder(engine)
                        .generate(prompts, task.maxNewTokens(), bundle.tokenizer().eosId(), plan);
                for (int i = 0; i < prompts.size(); i++) {
                    out.add(new Decoded(task, i, expected.generations().get(i), actual.generations().get(i)));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("methodsAndPlans")
    void theJavaEngineDecodesTheDjlDecodersTokensWithTheSamePrecisionTrace(String method, String label) {
        for (Decoded d : decodeBoth(method, label, engines.get(method))) {
            Generation e = d.djl();
            Generation a = d.java();
            assertThat(a.tokens()).as("%s %s %s prompt %d tokens", method, label, d.task().id(), d.prompt())
                    .containsExactly(e.tokens());
            assertThat(a.trace()).as("%s %s %s prompt %d precisions", method, label, d.task().id(), d.prompt())
                    .isEqualTo(e.trace());
            assertThat(a.stoppedAtEos()).isEqualTo(e.stoppedAtEos());
            if (label.contains(">") && a.trace().size() > 5) {
                assertThat(a.trace()).as("a switching schedule switches").contains(
                        PrecisionPair.parse(label).high(), PrecisionPair.parse(label).low());
            }
        }
    }

    static Stream<Arguments> int16MethodsAndPlans() {
        return methodsAndPlans().filter(a -> UNIFORM_METHODS.contains((String) a.get()[0])
                || ANY_PRECISION_INT16_PLANS.contains((String) a.get()[1]));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("int16MethodsAndPlans")
    void theInt16EngineDecodesAlmostEveryPromptToTheDjlDecodersTokens(String method, String label) {
        int same = 0;
        long sameTokens = 0;
        long tokens = 0;
        List<Decoded> decoded = decodeBoth(method, label, int16Engines.get(method));
        for (Decoded d : decoded) {
            int[] e = d.djl().tokens();
            int[] a = d.java().tokens();
            if (java.util.Arrays.equals(e, a)) {
                same++;
                assertThat(d.java().trace()).as("%s %s %s prompt %d precisions", method, label, d.task().id(),
                        d.prompt()).isEqualTo(d.djl().trace());
                assertThat(d.java().stoppedAtEos()).isEqualTo(d.djl().stoppedAtEos());
            }
            int prefix = 0;
            while (prefix < Math.min(e.length, a.length) && e[prefix] == a[prefix]) {
                prefix++;
            }
            sameTokens += prefix;
            tokens += e.length;
        }
        assertThat(decoded.size() - same).as("%s at %s: decodes differing from the DJL decoder's (%d of %d tokens"
                + " before the first difference)", method, label, sameTokens, tokens)
                .isLessThanOrEqualTo(INT16_DIFFERING_DECODES.getOrDefault(method + " " + label, 0));
    }

    @Test
    void theInt16EngineMultipliesAnyPrecisionAtTwoBitsByTheInt16KernelAndAtThreeAndFourByTheCentroidOne() {
        for (Linear proj : Linear.values()) {
            assertThat(int16Linears.get("any-precision").linear(0, proj, Precision.bits(2))).as("%s", proj)
                    .isInstanceOf(LookupGemv.class);
            for (int bits : new int[] {3, 4}) {
                assertThat(int16Linears.get("any-precision").linear(0, proj, Precision.bits(bits)))
                        .as("%s %d bits", proj, bits).isInstanceOf(CentroidGemv.class);
            }
            for (int bits : new int[] {2, 3, 4}) {
                assertThat(linears.get("any-precision").linear(0, proj, Precision.bits(bits)))
                        .as("java engine %s %d bits", proj, bits).isInstanceOf(CentroidGemv.class);
            }
        }
    }

    @Test
    void theInt16EngineMultipliesUniformGridsByTheInt16KernelAndTheJavaEngineByTheFp32One() {
        for (String method : UNIFORM_METHODS) {
            for (int bits : new int[] {2, 3, 4}) {
                for (Linear proj : Linear.values()) {
                    assertThat(int16Linears.get(method).linear(0, proj, Precision.bits(bits))).as("%s %s %d bits",
                            method, proj, bits).isInstanceOf(LookupGemv.class);
                    assertThat(linears.get(method).linear(0, proj, Precision.bits(bits))).as("%s %s %d bits",
                            method, proj, bits).isInstanceOf(PlaneGemv.class);
                }
            }
        }
    }

    static Stream<Arguments> methodsAndWidths() {
        List<Arguments> out = new ArrayList<>();
        for (String method : METHODS) {
            for (int bits : new int[] {2, 3, 4}) {
                out.add(Arguments.of(method, bits));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at {1} bits")
    @MethodSource("methodsAndWidths")
    void everyPositionsLogitsAreWithinToleranceOfTheOracleOnTheDequantizedWeights(String method, int bits) {
        assertThat(worstErrorAgainstTheOracle(method, bits, engines.get(method))).as("%s at %d bits", method, bits)
                .isLessThan(LOGIT_TOLERANCE);
    }

    @ParameterizedTest(name = "{0} at {1} bits")
    @MethodSource("methodsAndWidths")
    void theInt16EnginesLogitsAreWithinItsToleranceOfTheOracle(String method, int bits) {
        double worst = worstErrorAgainstTheOracle(method, bits, int16Engines.get(method));
        assertThat(worst).as("%s at %d bits", method, bits).isLessThan(INT16_LOGIT_TOLERANCE);
    }

    /** The engine's worst logit error over the first debsum prompt against the oracle on the dequantized weights. */
    private double worstErrorAgainstTheOracle(String method, int bits, JavaLlama engine) {
        QuantizedModel q = models.get(method);
        Map<String, Tensor> weights = new HashMap<>();
        for (String name : bundle.checkpoint().names()) {
            try {
                weights.put(name, bundle.checkpoint().tensor(name));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int l = 0; l < bundle.config().numLayers(); l++) {
            for (Linear proj : Linear.values()) {
                weights.put(proj.weight(l), q.dequantized(l, proj, bits));
            }
        }
        OracleLlama oracle = OracleLlama.of(bundle.config(), weights);
        int[] prompt = prompts(Task.DEBSUM).get(0);
        float[][] expected = oracle.logits(prompt);
        JavaLlama.Sequence seq = engine.newSequence(prompt.length);
        float[][] actual = new float[prompt.length][];
        for (int t = 0; t < prompt.length; t++) {
            actual[t] = seq.step(prompt[t], Precision.bits(bits));
        }
        return OracleAgreement.worstRelativeError(actual, expected);
    }

    @Test
    void fullPrecisionLogitsAreWithinToleranceOfTheOracle() throws IOException {
        OracleLlama oracle = OracleLlama.load(bundle.checkpoint());
        int[] prompt = prompts(Task.DEBSUM).get(1);
        JavaLlama.Sequence seq = engines.get("rtn").newSequence(prompt.length);
        float[][] actual = new float[prompt.length][];
        for (int t = 0; t < prompt.length; t++) {
            actual[t] = seq.step(prompt[t], Precision.FULL);
        }
        assertThat(OracleAgreement.worstRelativeError(actual, oracle.logits(prompt))).isLessThan(LOGIT_TOLERANCE);
    }

    @Test
    void decodingIsBitIdenticalWhateverTheThreads() {
        List<int[]> prompts = prompts(Task.DEBCHAT);
        QuantizedModel q = models.get("any-precision");
        PrecisionPlan plan = plan("4>3");
        try (OffHeap own = new OffHeap(); RowThreads one = new RowThreads(1)) {
            JavaLlama single = new JavaLlama(bundle.config(), JavaLlama.Dense.of(bundle.checkpoint(),
                    DenseGemv.Element.F32, own), KernelLinears.of(q, q.bitWidths(), Optional.empty(),
                    DenseGemv.Element.F32, own), one);
            DecodeResult a = new JavaDecoder(single).generate(prompts, 16, -1, plan);
            DecodeResult b = new JavaDecoder(engines.get("any-precision")).generate(prompts, 16, -1, plan);
            assertThat(a.generations()).isEqualTo(b.generations());
            JavaLlama.Sequence s1 = single.newSequence(4);
            JavaLlama.Sequence s2 = engines.get("any-precision").newSequence(4);
            for (int token : prompts.get(0)) {
                if (s1.length() == 4) {
                    break;
                }
                assertThat(s1.step(token, Precision.bits(3))).containsExactly(s2.step(token, Precision.bits(3)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
