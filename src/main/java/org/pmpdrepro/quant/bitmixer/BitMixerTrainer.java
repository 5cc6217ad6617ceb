package org.pmpdrepro.quant.bitmixer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.NativeAllocator;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.decode.ScalarOperands;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.train.AdamW;
import org.pmpdrepro.train.TrainingLoop;
import org.pmpdrepro.train.TrainingSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bit-Mixer's quantization-aware fine-tuning on calibration text, with every linear layer fake-quantized at the
 * step's bit-widths ({@link BitWidthSchedule}): the loss is distillation from the full-precision base model (the
 * KL divergence of the quantized model's next-token distribution from the base model's, as Bit-Mixer trains from a
 * full-precision teacher) mixed with next-token cross-entropy on the text ({@link BitMixerSettings#distillWeight}).
 * AdamW over the latent weights, the per-row steps and the norm gains of each width transition. Resumable from its
 * last checkpoint, exactly: windows and bit-widths of a step depend only on (seed, step).
 */
public final class BitMixerTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BitMixerTrainer.class);

    private final BitMixerSettings settings;
    private final Path checkpointDir;
    private final boolean trimMemory;

    public BitMixerTrainer(BitMixerSettings settings, Path checkpointDir) {
        this(settings, checkpointDir, false);
    }

    /**
     * @param trimMemory hand the C heap's freed memory back to the kernel after every step. The allocator keeps what
     *     a step frees for the next one ({@link NativeAllocator}); as the optimizer's new arrays take the place of the
     *     old ones the kept memory grows for about a dozen steps, to about 3.4 times what the run held once loaded
     *     (57M model: 2.1 GB after loading, 7.1 GB from step 12 on). Giving it back keeps the peak at what one step
     *     holds (4.2 GB there) and costs page faults: the steps took 2.7 times as long. The results are the same.
     */
    public BitMixerTrainer(BitMixerSettings settings, Path checkpointDir, boolean trimMemory) {
        this.settings = settings;
        this.checkpointDir = checkpointDir;
        this.trimMemory = trimMemory;
    }

    /** One logged training step. */
    public record LogLine(int step, String bits, double loss, float learningRate) {}

    /**
     * What a run produced.
     *
     * @param initialLoss calibration loss at each uniform width before fine-tuning (same fixed windows as
     *     {@code finalLoss})
     * @param skippedSteps steps left without an update because their gradient was not finite twice
     */
    public record Result(BitMixerWeights weights, int steps, SortedMap<Integer, Double> initialLoss,
            SortedMap<Integer, Double> finalLoss, List<LogLine> log, List<Integer> skippedSteps) {

        public Result {
            initialLoss = Collections.unmodifiableSortedMap(new TreeMap<>(initialLoss));
            finalLoss = Collections.unmodifiableSortedMap(new TreeMap<>(finalLoss));
            log = List.copyOf(log);
            skippedSteps = List.copyOf(skippedSteps);
        }
    }

    /** Fine-tunes {@code base} on {@code documents} (token sequences) for all configured steps. */
    public Result run(WeightSource base, List<int[]> documents) throws IOException {
        return runUntil(base, documents, settings.steps());
    }

    /** Fine-tunes up to step {@code stop} (the schedules still span all steps) and checkpoints there. */
    public Result runUntil(WeightSource base, List<int[]> documents, int stop) throws IOException {
        LlamaConfig config = base.config();
        int[] stream = concatenate(documents, settings.sequenceLength() + 1);
        BitWidthSchedule schedule = new BitWidthSchedule(config, settings.bitWidths(), settings.uniformSteps(),
                settings.seed());
        try (NDManager root = NDManager.newBaseManager()) {
            BitMixerCheckpoint resumed = BitMixerCheckpoint.latest(checkpointDir, root);
            try (TrainableBitMixer model = new TrainableBitMixer(base,
                    BitMixerWeights.initial(base, settings.bitWidths()), root.newSubManager());
                    DjlLlama teacher = DjlLlama.dense(base, Device.cpu())) {
                AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0f, name -> false, settings.clipNorm());
                int first;
                SortedMap<Integer, Double> initialLoss;
                List<LogLine> log;
                List<Integer> skipped;
                if (resumed != null && resumed.step() > stop) {
                    throw new IllegalArgumentException(checkpointDir + " holds a checkpoint at step " + resumed.step()
                            + ", past the requested stop " + stop + "; use an empty checkpoint directory");
                }
                if (resumed != null) {
                    resumed.params().forEach(model::replace);
                    adam.init(root, model, resumed.moments(), resumed.step());
                    first = resumed.step();
                    initialLoss = resumed.initialLoss();
                    log = new ArrayList<>(resumed.log());
                    skipped = new ArrayList<>(resumed.skipped());
                    LOG.info("resuming bit-mixer fine-tuning from step {} ({})", first, resumed.dir().getFileName());
                } else {
                    adam.init(root, model, null, 0);
                    first = 0;
                    initialLoss = evaluate(model, root, stream);
                    log = new ArrayList<>();
                    skipped = new ArrayList<>();
                    LOG.info("calibration loss before fine-tuning by width: {}", initialLoss);
                }
                LOG.info("bit-mixer: {} steps ({} uniform-width, then per-layer) of {} x {} tokens, widths {},"
                        + " calibration stream {} tokens", settings.steps(), settings.uniformSteps(),
                        settings.batchSize(), settings.sequenceLength(), settings.bitWidths(), stream.length);
                Progress progress = Progress.of(LOG, "bit-mixer", stop, "steps").resumingAt(first);
                TrainingLoop.run(first, stop, settings.logEvery(), settings.checkpointEvery(), progress,
                        new TrainingLoop.Body() {
                            private Map<LinearId, Integer> bits;
                            private boolean uniform;

                            @Override
                            public TrainingSteps.Batch batch(int step) {
                                bits = schedule.at(step);
                                uniform = schedule.isUniform(step);
                                model.assign(bits);
                                float lr = settings.learningRate(step);
                                long[] windows = windows(stream, new SplittableRandom(settings.seed() * 1_000_003L
                                        + step), settings.batchSize());
                                return new TrainingSteps.Batch() {
                                    @Override
                                    public NDArray unrecorded() {
                                        // The teacher runs before the gradient collector opens: nothing of it is
                                        // recorded.
                                        return settings.distillWeight() > 0
                                                ? teacherLogProbs(teacher, root, windows, settings.batchSize()) : null;
                                    }

                                    @Override
                                    public NDArray loss(NDArray target) {
                                        return BitMixerTrainer.this.loss(model, root, windows, settings.batchSize(),
                                                target);
                                    }

                                    @Override
                                    public float update() {
                                        return adam.step(model, model.active(), lr);
                                    }
                                };
                            }

                            @Override
                            public void stepped(int done, TrainingSteps.Outcome o) {
                                if (trimMemory) {
                                    NativeAllocator.giveBackFreedMemory();
                                }
                            }

                            @Override
                            public void nonFinite(int step, TrainingSteps.Outcome o) {
                                // A finite loss with a non-finite gradient twice is one bad batch, skipped without an
                                // update (as loss-scaled training skips overflowing steps); it recurs at the same
                                // step on a rerun, so results stay reproducible. Many of them, or a non-finite loss,
                                // is divergence.
                                skipped.add(step + 1);
                                if (!Double.isFinite(o.loss()) || skipped.size() > Math.max(1, settings.steps() / 20)) {
                                    throw new IllegalStateException("bit-mixer fine-tuning diverged at step "
                                            + (step + 1) + ": loss " + o.loss() + ", gradient norm " + o.gradNorm()
                                            + " (learning rate " + settings.learningRate(step) + "; steps skipped so"
                                            + " far " + skipped + "); resume from the last checkpoint in "
                                            + checkpointDir + " with a lower --lr");
                                }
                                LOG.warn("step {}: skipped without an update (gradient not finite twice)", step + 1);
                            }

                            @Override
                            public String logged(int done, TrainingSteps.Outcome o) {
                                String label = label(config, bits, uniform);
                                float lr = settings.learningRate(done - 1);
                                log.add(new LogLine(done, label, o.loss(), lr));
                                return String.format(Locale.ROOT, "[%s] loss %.4f lr %.2e |g| %.3f", label, o.loss(),
                                        lr, o.gradNorm());
                            }

                            @Override
                            public void checkpoint(int done) throws IOException {
                                BitMixerCheckpoint.save(checkpointDir, done, model, adam, initialLoss, log, skipped);
                            }
                        });
                SortedMap<Integer, Double> finalLoss = evaluate(model, root, stream);
                LOG.info("calibration loss after {} steps by width: {}", stop, finalLoss);
                return new Result(model.export(settings.bitWidths()), stop, initialLoss, finalLoss, log, skipped);
            }
        }
    }

    private static String label(LlamaConfig config, Map<LinearId, Integer> bits, boolean uniform) {
        return uniform
                ? bits.values().iterator().next() + "bit"
                : String.format("mixed %.2f bits", BitWidthSchedule.averageBits(config, bits));
    }

    /** The documents back to back; a stream shorter than one window is an error. */
    static int[] concatenate(List<int[]> documents, int window) {
        int n = 0;
        for (int[] d : documents) {
            n += d.length;
        }
        if (n < window + 1) {
            throw new IllegalArgumentException("calibration text has " + n + " tokens; fine-tuning windows need at"
                    + " least " + (window + 1));
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] d : documents) {
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
        }
        return out;
    }

    /** {@code count} windows of {@code sequenceLength + 1} tokens at random offsets, flattened. */
    private long[] windows(int[] stream, SplittableRandom rng, int count) {
        return windows(stream, rng, count, settings.sequenceLength());
    }

    /** {@code count} windows of {@code sequenceLength + 1} tokens at offsets drawn from {@code rng}, flattened. */
    static long[] windows(int[] stream, SplittableRandom rng, int count, int sequenceLength) {
        int len = sequenceLength + 1;
        long[] out = new long[count * len];
        for (int w = 0; w < count; w++) {
            int from = rng.nextInt(stream.length - len + 1);
            for (int t = 0; t < len; t++) {
                out[w * len + t] = stream[from + t];
            }
        }
        return out;
    }

    /**
     * The training loss of {@code count} windows under the model's current bit-widths: next-token cross-entropy,
     * and with {@code teacher} (the base model's log-probabilities) the mean per-token KL divergence from it,
     * weighted by {@link BitMixerSettings#distillWeight}.
     */
    private NDArray loss(TrainableBitMixer w, NDManager m, long[] windows, int count, NDArray teacher) {
        int len = settings.sequenceLength();
        NDArray all = m.create(windows, new Shape(count, len + 1));
        NDArray targets = all.get(":, 1:");
        // The trainable weights read their own per-matrix assignment; the label only names the step in errors.
        NDArray logp = logProbs(w, m, all, count, new Precision("bit-mixer-training", 1.0));
        NDArray crossEntropy = logp.gather(targets.expandDims(-1), -1).mean().neg();
        float lambda = settings.distillWeight();
        if (teacher == null || lambda == 0) {
            return crossEntropy;
        }
        NDArray kl = teacher.exp().mul(teacher.sub(logp)).sum(new int[] {-1}).mean();
        return lambda == 1 ? kl
                : ScalarOperands.mul(kl, lambda).add(ScalarOperands.mul(crossEntropy, 1 - lambda));
    }

    /** Next-token log-probabilities {@code [count, len, vocab]} of the windows' first {@code len} tokens. */
    private NDArray logProbs(LlamaWeights w, NDManager m, NDArray windows, int count, Precision precision) {
        int len = settings.sequenceLength();
        NDArray inputs = windows.get(":, :-1");
        NDArray positions = m.arange(0, len, 1, DataType.INT64).reshape(1, len).repeat(0, count);
        NDArray hidden = LlamaGraph.hidden(w, inputs, positions, null, null, RowPrecisions.uniform(precision, count));
        return LlamaGraph.logits(w, hidden).logSoftmax(-1);
    }

    /** The full-precision base model's log-probabilities on the windows: the distillation target. */
    private NDArray teacherLogProbs(DjlLlama teacher, NDManager m, long[] windows, int count) {
        NDArray all = m.create(windows, new Shape(count, settings.sequenceLength() + 1));
        return logProbs(teacher, m, all, count, Precision.FULL);
    }

    /** Loss at every uniform width on fixed windows (seeded apart from training), without gradients. */
    private SortedMap<Integer, Double> evaluate(TrainableBitMixer model, NDManager m, int[] stream) {
        SortedMap<Integer, Double> out = new TreeMap<>();
        LlamaConfig config = model.config();
        for (int b : settings.bitWidths()) {
            Map<LinearId, Integer> uniform = new LinkedHashMap<>();
            LinearId.all(config).forEach(id -> uniform.put(id, b));
            model.assign(uniform);
            SplittableRandom rng = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
            double sum = 0;
            for (int done = 0; done < settings.evalWindows(); done += settings.batchSize()) {
                int n = Math.min(settings.batchSize(), settings.evalWindows() - done);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    sum += loss(model, m, windows(stream, rng, n), n, null).getFloat() * n;
                }
            }
            out.put(b, sum / settings.evalWindows());
        }
        return out;
    }
}
