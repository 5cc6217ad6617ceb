package org.pmpdrepro.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.cpu.JavaDecoder;
import org.pmpdrepro.decode.cpu.JavaLlama;
import org.pmpdrepro.decode.cpu.kernel.CentroidGemv;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.LookupGemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.PlaneGemv;
import org.pmpdrepro.decode.cpu.kernel.RowThreads;
import org.pmpdrepro.model.GeneratedWeights;
import org.pmpdrepro.model.GgufWriter;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.ProgressivePlan;
import org.pmpdrepro.quant.LinearId;

/**
 * End-to-end decode speed of the packed Java engine on a synthetic Llama model far larger than the caches (by default
 * Llama-2-7B's width with 8 blocks): random weights held in the kernels' forms (fp16 rows; Any-Precision's 4-bit
 * planes with per-row tables for 2, 3 and 4 bits; uniform grids with groups of 128 columns, one set of planes per
 * width, by the fp32 and by the 16-bit integer lookup kernel), greedy decoding of a random prompt at fixed widths
 * and under PMPD schedules that switch from a high to a low width. A decode step's time does not depend on the
 * weights' values, only on their form and the bytes read.
 */
public final class EngineBenchmark {

    /** What to build and run. */
    public record Settings(LlamaConfig config, int threads, int promptTokens, int newTokens, int groupCols,
            int rounds, long seed) {}

    /** A PMPD progressive schedule: {@code high} bits, then {@code low} bits after the switch point. */
    public record Schedule(int high, int low, int switchPoint) {

        /** The schedule over {@code steps} decode steps whose average bits is nearest {@code averageBits}. */
        public static Schedule reaching(int high, int low, double averageBits, int steps) {
            if (!(averageBits >= low && averageBits <= high)) {
                throw new IllegalArgumentException(high + ">" + low + " at " + averageBits + " average bits: expected"
                        + " an average between " + low + " and " + high);
            }
            return new Schedule(high, low, (int) Math.round(steps * (averageBits - low) / (high - low)));
        }

        public String label() {
            return high + ">" + low + " s=" + switchPoint;
        }

        PrecisionPlan plan() {
            return ProgressivePlan.uniform(new PrecisionPair(Precision.bits(high), Precision.bits(low)), switchPoint);
        }
    }

    /**
     * One timed decode (the median round).
     *
     * @param averageBits the mean width of the decode steps (16 for fp16)
     * @param weightBytesPerToken mean weight bytes a decode step read: block matrices and the output head
     * @param roundSeconds the decode steps' time in every round, in order
     */
    public record Row(String engine, String model, String precision, double averageBits, int steps, double seconds,
            long weightBytesPerToken, double matrixSeconds, double headSeconds, double otherSeconds,
            double[] roundSeconds) {

        public double tokensPerSecond() {
            return steps / seconds;
        }

        public double gbPerSecond() {
            return weightBytesPerToken * tokensPerSecond() / 1e9;
        }
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public EngineBenchmark(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** A model of the given shape, as many key/value heads as heads (Llama-2-7B: 4096, 11008, L, 32, 32000). */
    public static LlamaConfig synthetic(int hidden, int intermediate, int layers, int heads, int vocab) {
        return new LlamaConfig(vocab, hidden, intermediate, layers, heads, heads, 4096, 1e-5, 10000.0, false, 1, 2);
    }

    /** The model's label in results: its shape. */
    public String modelLabel() {
        LlamaConfig c = settings.config();
        return "synthetic h" + c.hiddenSize() + " i" + c.intermediateSize() + " L" + c.numLayers() + " v"
                + c.vocabSize();
    }

    /** Builds the model and times each fixed width and schedule, on the quantized forms and fp16. */
    public List<Row> run(List<Schedule> schedules) {
        LlamaConfig c = settings.config();
        List<Row> rows = new ArrayList<>();
        try (OffHeap memory = new OffHeap(); RowThreads threads = new RowThreads(settings.threads())) {
            long started = System.nanoTime();
            SplittableRandom random = new SplittableRandom(settings.seed());
            JavaLlama.Dense dense = dense(c, random, memory);
            Map<Long, Gemv> fp16 = new HashMap<>();
            Map<Long, Gemv> anyPrecision = new HashMap<>();
            Map<Long, Gemv> uniform = new HashMap<>();
            Map<Long, Gemv> int16 = new HashMap<>();
            Map<Long, Gemv> anyPrecisionInt16 = new HashMap<>();
            for (int l = 0; l < c.numLayers(); l++) {
                for (Linear proj : Linear.values()) {
                    int[] shape = new LinearId(l, proj).shape(c);
                    int rows2 = shape[0];
                    int cols = shape[1];
                    String what = proj.weight(l);
                    fp16.put(key(l, proj, 16), DenseGemv.of(gaussian(random, rows2 * cols, 0.02f), rows2, cols,
                            DenseGemv.Element.F16, memory, what));
                    CentroidGemv.Planes parent = CentroidGemv.Planes.random(rows2, cols, 4, random.nextLong(), memory);
                    for (int bits = 2; bits <= 4; bits++) {
                        short[] table = tables(random, rows2, bits);
                        anyPrecision.put(key(l, proj, bits), CentroidGemv.anyPrecision(parent, bits, table, what));
                        // --engine java-int16: 2 bits by the lookup kernel, over 2-bit planes of its own (random,
                        // like every matrix here: a step's time does not depend on the codes).
                        anyPrecisionInt16.put(key(l, proj, bits), bits == 2 ? LookupGemv.anyPrecision(
                                LookupGemv.Planes.random(rows2, cols, 2, random.nextLong(), memory), 2, table, what)
                                : anyPrecision.get(key(l, proj, bits)));
                        int groups = (cols + settings.groupCols() - 1) / settings.groupCols();
                        uniform.put(key(l, proj, bits), PlaneGemv.uniform(PlaneGemv.Planes.random(rows2, cols, bits,
                                random.nextLong(), memory), settings.groupCols(), halves(random, rows2 * groups,
                                -0.02), halves(random, rows2 * groups, 0.01), what));
                        int16.put(key(l, proj, bits), LookupGemv.uniform(LookupGemv.Planes.random(rows2, cols, bits,
                                random.nextLong(), memory), settings.groupCols(), halves(random, rows2 * groups,
                                -0.02), halves(random, rows2 * groups, 0.01), what));
                    }
                }
                progress.accept(String.format(java.util.Locale.ROOT, "built block %d/%d (%.0f s)", l + 1,
                        c.numLayers(), (System.nanoTime() - started) / 1e9));
            }
            anyPrecision.putAll(fp16);
            uniform.putAll(fp16);
            int16.putAll(fp16);
            anyPrecisionInt16.putAll(fp16);
            JavaLlama ap = new JavaLlama(c, dense, linears(anyPrecision), threads);
            JavaLlama ap16 = new JavaLlama(c, dense, linears(anyPrecisionInt16), threads);
            JavaLlama un = new JavaLlama(c, dense, linears(uniform), threads);
            JavaLlama un16 = new JavaLlama(c, dense, linears(int16), threads);
            String int16Model = "uniform-g" + settings.groupCols() + "-int16";
            int[] prompt = prompt();
            List<Case> cases = new ArrayList<>();
            cases.add(new Case("fp16", ap, "fp16", PrecisionPlan.fixed(Precision.FULL)));
            for (int bits = 4; bits >= 2; bits--) {
                cases.add(new Case("any-precision", ap, bits + "bit", PrecisionPlan.fixed(Precision.bits(bits))));
                cases.add(new Case("uniform-g" + settings.groupCols(), un, bits + "bit",
                        PrecisionPlan.fixed(Precision.bits(bits))));
                cases.add(new Case(int16Model, un16, bits + "bit", PrecisionPlan.fixed(Precision.bits(bits))));
            }
            for (Schedule s : schedules) {
                cases.add(new Case("any-precision", ap, "pmpd " + s.label(), s.plan()));
                cases.add(new Case("uniform-g" + settings.groupCols(), un, "pmpd " + s.label(), s.plan()));
                cases.add(new Case(int16Model, un16, "pmpd " + s.label(), s.plan()));
            }
            // Any-Precision under --engine java-int16: it differs from the rows above only where it decodes at 2 bits.
            cases.add(new Case("any-precision-int16", ap16, "2bit", PrecisionPlan.fixed(Precision.bits(2))));
            for (Schedule s : schedules) {
                if (s.low() == 2) {
                    cases.add(new Case("any-precision-int16", ap16, "pmpd " + s.label(), s.plan()));
                }
            }
            // Warm-up: every kernel compiled before anything is timed.
            for (Case k : cases) {
                decode(k, prompt, Math.min(4, settings.newTokens()));
            }
            double[][] times = new double[cases.size()][settings.rounds()];
            Measured[] last = new Measured[cases.size()];
            for (int round = 0; round < settings.rounds(); round++) {
                for (int i = 0; i < cases.size(); i++) {
                    last[i] = decode(cases.get(i), prompt, settings.newTokens());
                    times[i][round] = last[i].clock().stepSeconds();
                    progress.accept(String.format(java.util.Locale.ROOT, "round %d/%d %s %s: %.2f tokens/s",
                            round + 1, settings.rounds(), cases.get(i).model(), cases.get(i).precision(),
                            last[i].clock().steps() / last[i].clock().stepSeconds()));
                }
            }
            for (int i = 0; i < cases.size(); i++) {
                Case k = cases.get(i);
                double[] sorted = times[i].clone();
                Arrays.sort(sorted);
                double median = sorted[(sorted.length - 1) / 2];
                JavaLlama.Clock clock = last[i].clock();
                // The split of the median round is taken from the last round's proportions.
                double scale = median / clock.stepSeconds();
                rows.add(new Row("java", k.model(), k.precision(), last[i].averageBits(), clock.steps(), median,
                        last[i].bytesPerToken(), clock.matrixSeconds() * scale, clock.headSeconds() * scale,
                        clock.otherSeconds() * scale, times[i]));
            }
        }
        return rows;
    }

    /** The prompt every case and llama.cpp decode from: random ids from the seed. */
    public int[] prompt() {
        SplittableRandom random = new SplittableRandom(settings.seed() + 1);
        int[] prompt = new int[settings.promptTokens()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = random.nextInt(settings.config().vocabSize());
        }
        return prompt;
    }

    /**
     * llama.cpp on the same shape and prompt: random weights ({@link GeneratedWeights}, another draw than the Java
     * engine's, as neither's speed depends on the values) written as GGUF in each of {@code types} under {@code work}
     * (kept and reused: the file name holds the shape, seed and type), decoded by the harness {@code rounds} times
     * with {@code newTokens} decode steps after the prefill; the median round's decode time.
     */
    public List<Row> llamaCpp(LlamaCpp harness, Path work, Path tokenizerJson, List<GgufWriter.Type> types)
            throws IOException, InterruptedException {
        LlamaConfig c = settings.config();
        List<Row> rows = new ArrayList<>();
        Files.createDirectories(work);
        for (GgufWriter.Type type : types) {
            Path gguf = work.resolve(String.format(java.util.Locale.ROOT, "synthetic-h%d-i%d-L%d-v%d-s%d-%s.gguf",
                    c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.vocabSize(), settings.seed(), type));
            if (!Files.exists(gguf)) {
                long started = System.nanoTime();
                GgufWriter.write(new GeneratedWeights(c, 0.02, settings.seed()), tokenizerJson, gguf, type, true);
                progress.accept(String.format(java.util.Locale.ROOT, "wrote %s (%.1f GB) in %.0f s", gguf,
                        Files.size(gguf) / 1e9, (System.nanoTime() - started) / 1e9));
            }
            long bytes = type.bytes((long) c.vocabSize() * c.hiddenSize());
            for (int l = 0; l < c.numLayers(); l++) {
                for (Linear proj : Linear.values()) {
                    int[] shape = new LinearId(l, proj).shape(c);
                    bytes += type.bytes((long) shape[0] * shape[1]);
                }
            }
            double[] rounds = new double[settings.rounds()];
            int steps = 0;
            for (int round = 0; round < rounds.length; round++) {
                LlamaCpp.Run run = harness.decode(gguf, List.of(prompt()), settings.newTokens() + 1, -1,
                        settings.threads(), 1, work);
                steps = Math.toIntExact(run.producedTokens() - 1);
                rounds[round] = run.decodeSeconds();
                progress.accept(String.format(java.util.Locale.ROOT, "round %d/%d llama.cpp %s: %.2f tokens/s",
                        round + 1, rounds.length, type, steps / run.decodeSeconds()));
            }
            double[] sorted = rounds.clone();
            Arrays.sort(sorted);
            double bits = 8.0 * type.bytes(QK_BITS_BLOCK) / QK_BITS_BLOCK;
            rows.add(new Row("llama.cpp", "llama.cpp " + type, type.toString(), bits, steps,
                    sorted[(sorted.length - 1) / 2], bytes, Double.NaN, Double.NaN, Double.NaN, rounds));
        }
        return rows;
    }

    /** Values over which a type's bits per weight are counted (one block of the block formats). */
    private static final int QK_BITS_BLOCK = 32;

    private record Case(String model, JavaLlama engine, String precision, PrecisionPlan plan) {}

    /** A decode's steps after the prefill: their clock, mean bits and mean weight bytes read. */
    private record Measured(JavaLlama.Clock clock, double averageBits, long bytesPerToken) {}

    /** Prefills {@code prompt}, then times {@code steps} greedy decode steps under the case's plan. */
    private static Measured decode(Case k, int[] prompt, int steps) {
        JavaLlama.Sequence seq = k.engine().newSequence(prompt.length + steps);
        Precision prefill = k.plan().prefill(0);
        float[] logits = null;
        for (int token : prompt) {
            logits = seq.step(token, prefill);
        }
        JavaLlama.Clock before = seq.clock();
        double bits = 0;
        double bytes = 0;
        for (int step = 1; step <= steps; step++) {
            Precision p = k.plan().decode(0, step);
            bits += p.averageBits();
            bytes += k.engine().bytesReadPerToken(p);
            logits = seq.step(JavaDecoder.argmax(logits, 0), p);
        }
        JavaLlama.Clock after = seq.clock();
        return new Measured(new JavaLlama.Clock(steps, after.stepSeconds() - before.stepSeconds(),
                after.matrixSeconds() - before.matrixSeconds(), after.headSeconds() - before.headSeconds()),
                bits / steps, Math.round(bytes / steps));
    }

    private static JavaLlama.Linears linears(Map<Long, Gemv> matrices) {
        return new JavaLlama.Linears() {
            @Override
            public Gemv linear(int layer, Linear proj, Precision precision) {
                Gemv g = matrices.get(key(layer, proj, precision.uniformBits()));
                if (g == null) {
                    throw new IllegalArgumentException("synthetic model: no " + proj.weight(layer) + " at "
                            + precision);
                }
                return g;
            }

            @Override
            public boolean supports(Precision precision) {
                return matrices.containsKey(key(0, Linear.Q, precision.uniformBits()));
            }
        };
    }

    private static long key(int layer, Linear proj, int bits) {
        return ((long) layer * Linear.values().length + proj.ordinal()) * 32 + bits;
    }

    /** Embedding and head Gaussian (sd 0.02; the head fp16), norm gains one. */
    private static JavaLlama.Dense dense(LlamaConfig c, SplittableRandom random, OffHeap memory) {
        int h = c.hiddenSize();
        float[][] input = new float[c.numLayers()][h];
        float[][] post = new float[c.numLayers()][h];
        for (int l = 0; l < c.numLayers(); l++) {
            Arrays.fill(input[l], 1f);
            Arrays.fill(post[l], 1f);
        }
        float[] fin = new float[h];
        Arrays.fill(fin, 1f);
        Gemv head = DenseGemv.of(gaussian(random, c.vocabSize() * h, 0.02f), c.vocabSize(), h,
                DenseGemv.Element.F16, memory, "lm_head.weight");
        return new JavaLlama.Dense(gaussian(random, c.vocabSize() * h, 0.02f), input, post, fin, head);
    }

    private static float[] gaussian(SplittableRandom random, int n, float sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            // Sum of four uniforms, centred and scaled: near-Gaussian and much cheaper than nextGaussian.
            double u = random.nextDouble() + random.nextDouble() + random.nextDouble() + random.nextDouble() - 2;
            out[i] = (float) (u * Math.sqrt(3) * sd);
        }
        return out;
    }

    /** Per row {@code 2^bits} increasing fp16 centroids around zero (an Any-Precision table's shape). */
    private static short[] tables(SplittableRandom random, int rows, int bits) {
        int n = 1 << bits;
        short[] t = new short[rows * n];
        double[] v = new double[n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                v[i] = (random.nextDouble() - 0.5) * 0.08;
            }
            Arrays.sort(v);
            for (int i = 0; i < n; i++) {
                t[r * n + i] = Float.floatToFloat16((float) v[i]);
            }
        }
        return t;
    }

    private static short[] halves(SplittableRandom random, int n, double around) {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float.floatToFloat16((float) (around * (0.5 + random.nextDouble())));
        }
        return out;
    }
}
