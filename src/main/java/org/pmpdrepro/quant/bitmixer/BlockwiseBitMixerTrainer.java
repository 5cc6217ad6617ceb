package org.pmpdrepro.quant.bitmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.NativeAllocator;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.SafetensorsFile;
import org.pmpdrepro.model.SafetensorsWriter;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.train.AdamW;
import org.pmpdrepro.train.Checkpoints;
import org.pmpdrepro.train.TrainingSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bit-Mixer's fine-tuning one block at a time, for models whose end-to-end fine-tuning ({@link BitMixerTrainer})
 * does not fit in memory: that holds the latent weights of every block, their gradients, two AdamW moments, the
 * teacher and every block's saved activations at once (about 53 bytes per parameter at 193M: 52 GB at 1.1B). Here
 * memory grows with one block: its full-precision weights, its trainable parameters with their gradients and
 * moments, and the residual streams of the training and evaluation windows.
 *
 * <p>Block {@code l} is trained for all of the settings' steps, step {@code s} on the windows and bit-widths that
 * step {@code s} of the end-to-end run draws, to reproduce the full-precision block's output on the full-precision
 * stream entering it (mean squared error: the block reconstruction objective of block-wise post-training
 * quantization, in place of the end-to-end run's distillation of the next-token distribution). The stream it reads is
 * the one its quantized predecessors give at the width the step assigns to the matrix writing it (block {@code l -
 * 1}'s down projection), so each transitional norm gain learns the shift of the width it comes from, as in
 * Bit-Mixer. That stream is the trained block {@code l - 1} run at one width for all its matrices; during the
 * per-group phase the predecessor's other matrices may be at other widths, which this does not model.
 *
 * <p>The losses before and after are the end-to-end run's: next-token cross-entropy at each uniform width on the same
 * evaluation windows, carried block by block. After every block its parameters go to a file and the streams to a
 * checkpoint under the work directory; a stopped run resumes after the last finished block, exactly.
 */
public final class BlockwiseBitMixerTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BlockwiseBitMixerTrainer.class);

    private final BitMixerSettings settings;
    private final Path workDir;

    public BlockwiseBitMixerTrainer(BitMixerSettings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
    }

    /** What a checkpoint records beside the streams: blocks done, what they belong to, the log, skipped steps. */
    @JsonPropertyOrder({"blocks", "run", "log", "skipped"})
    record State(int blocks, String run, List<BitMixerArtefact.LogEntry> log, List<Integer> skipped) {}

    /** The residual streams carried from block to block, every array on one manager. */
    private static final class Streams {
        /** The full-precision stream of each training step's windows: {@code [batch, len, hidden]}. */
        final NDArray[] teacher;
        /** Per width, the stream the quantized predecessors give at that width, for each step's windows. */
        final Map<Integer, NDArray[]> quantized = new TreeMap<>();
        /** Per width, each evaluation chunk's stream through the initial blocks (before) and the trained (after). */
        final Map<Integer, NDArray[]> before = new TreeMap<>();
        final Map<Integer, NDArray[]> after = new TreeMap<>();

        Streams(int steps) {
            this.teacher = new NDArray[steps];
        }

        List<String> names() {
            List<String> out = new ArrayList<>();
            for (int s = 0; s < teacher.length; s++) {
                out.add("teacher." + s);
            }
            for (String kind : List.of("quantized", "before", "after")) {
                of(kind).forEach((b, arrays) -> {
                    for (int i = 0; i < arrays.length; i++) {
                        out.add(kind + "." + b + "." + i);
                    }
                });
            }
            return out;
        }

        List<NDArray> arrays() {
            List<NDArray> out = new ArrayList<>(Arrays.asList(teacher));
            for (String kind : List.of("quantized", "before", "after")) {
                of(kind).values().forEach(a -> out.addAll(Arrays.asList(a)));
            }
            return out;
        }

        Map<Integer, NDArray[]> of(String kind) {
            return switch (kind) {
                case "quantized" -> quantized;
                case "before" -> before;
                case "after" -> after;
                default -> throw new IllegalArgumentException(kind);
            };
        }
    }

    /** Fine-tunes {@code base} on {@code documents} block by block, resuming from the work directory if it can. */
    public BitMixerTrainer.Result run(WeightSource base, List<int[]> documents) throws IOException {
        return runBlocks(base, documents, Integer.MAX_VALUE);
    }

    /**
     * {@link #run}, stopping once {@code blocks} blocks are done and checkpointed (a stopped run, for tests): the
     * result then is null.
     */
    BitMixerTrainer.Result runBlocks(WeightSource base, List<int[]> documents, int blocks) throws IOException {
        LlamaConfig config = base.config();
        int len = settings.sequenceLength();
        int[] stream = BitMixerTrainer.concatenate(documents, len + 1);
        int steps = settings.steps();
        BitWidthSchedule schedule = new BitWidthSchedule(config, settings.bitWidths(), settings.uniformSteps(),
                settings.seed());
        String run = settings + "|" + config + "|" + stream.length + ":" + Arrays.hashCode(stream);
        long[][] trainWindows = new long[steps][];
        for (int s = 0; s < steps; s++) {
            // Step s's windows, drawn as the end-to-end run draws them.
            trainWindows[s] = BitMixerTrainer.windows(stream, new SplittableRandom(settings.seed() * 1_000_003L + s),
                    settings.batchSize(), len);
        }
        List<long[]> evalChunks = new ArrayList<>();
        SplittableRandom evalRng = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        for (int done = 0; done < settings.evalWindows(); done += settings.batchSize()) {
            int n = Math.min(settings.batchSize(), settings.evalWindows() - done);
            evalChunks.add(BitMixerTrainer.windows(stream, evalRng, n, len));
        }
        Path blocksDir = workDir.resolve("blocks");
        Path checkpoints = workDir.resolve("checkpoints");
        Map<String, Tensor> trained = new LinkedHashMap<>();
        List<BitMixerTrainer.LogLine> log = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager()) {
            Streams streams = new Streams(steps);
            int first = resume(checkpoints, blocksDir, root, run, config, streams, trained, log, skipped);
            if (first == 0) {
                start(base, root, trainWindows, evalChunks, streams);
            }
            Progress progress = Progress.of(LOG, "bit-mixer block by block", (long) config.numLayers() * steps,
                    "steps").resumingAt((long) first * steps);
            for (int l = first; l < config.numLayers(); l++) {
                if (l >= blocks) {
                    return null;
                }
                Map<String, Tensor> block;
                try (NDManager blockManager = root.newSubManager()) {
                    block = trainBlock(base, l, blockManager, schedule, trainWindows, streams, log, skipped,
                            progress);
                }
                Files.createDirectories(blocksDir);
                SafetensorsWriter.write(blockFile(blocksDir, l), List.copyOf(block.values()), DType.F32, Map.of());
                trained.putAll(block);
                Checkpoints.save(checkpoints, l + 1, streams.names(), streams.arrays(), null,
                        new State(l + 1, run, entries(log), List.copyOf(skipped)));
                // The block's arrays are freed; the C allocator would keep their memory for the next block's.
                NativeAllocator.giveBackFreedMemory();
            }
            SortedMap<Integer, Double> initialLoss = crossEntropy(base, root, streams.before, evalChunks);
            SortedMap<Integer, Double> finalLoss = crossEntropy(base, root, streams.after, evalChunks);
            LOG.info("calibration loss by width before {}, after {} (block by block)", initialLoss, finalLoss);
            return new BitMixerTrainer.Result(new BitMixerWeights(config, settings.bitWidths(), trained), steps,
                    initialLoss, finalLoss, log, skipped);
        }
    }

    private static Path blockFile(Path dir, int layer) {
        return dir.resolve(String.format(Locale.ROOT, "block-%04d.safetensors", layer));
    }

    private static List<BitMixerArtefact.LogEntry> entries(List<BitMixerTrainer.LogLine> log) {
        return log.stream().map(l -> new BitMixerArtefact.LogEntry(l.step(), l.bits(), l.loss(), l.learningRate()))
                .toList();
    }

    /**
     * Takes up the newest checkpoint of this very run, if any: its streams, the finished blocks' parameters, the log;
     * returns the blocks done (0: start afresh).
     */
    private int resume(Path checkpoints, Path blocksDir, NDManager root, String run, LlamaConfig config,
            Streams streams, Map<String, Tensor> trained, List<BitMixerTrainer.LogLine> log, List<Integer> skipped)
            throws IOException {
        Checkpoints.Loaded<State> c = Checkpoints.latest(checkpoints, root, State.class).orElse(null);
        if (c == null) {
            return 0;
        }
        if (!run.equals(c.state().run())) {
            throw new IllegalArgumentException(c.dir() + " holds a block-by-block checkpoint of another run (other"
                    + " settings, model or calibration text); use an empty --work directory");
        }
        int blocks = c.state().blocks();
        for (int s = 0; s < streams.teacher.length; s++) {
            streams.teacher[s] = required(c, "teacher." + s);
        }
        for (String kind : List.of("quantized", "before", "after")) {
            for (int b : settings.bitWidths()) {
                List<NDArray> arrays = new ArrayList<>();
                for (int i = 0; c.params().containsKey(kind + "." + b + "." + i); i++) {
                    arrays.add(c.params().get(kind + "." + b + "." + i));
                }
                if (!arrays.isEmpty()) {
                    streams.of(kind).put(b, arrays.toArray(NDArray[]::new));
                }
            }
        }
        for (int l = 0; l < blocks; l++) {
            try (SafetensorsFile in = SafetensorsFile.open(blockFile(blocksDir, l))) {
                for (String name : in.names()) {
                    trained.put(name, in.read(name));
                }
            }
        }
        c.state().log().forEach(e -> log.add(new BitMixerTrainer.LogLine(e.step(), e.bits(), e.loss(), e.lr())));
        skipped.addAll(c.state().skipped());
        LOG.info("resuming block-by-block bit-mixer fine-tuning after block {} of {} ({})", blocks,
                config.numLayers(), c.dir().getFileName());
        return blocks;
    }

    private static NDArray required(Checkpoints.Loaded<State> c, String name) {
        NDArray a = c.params().get(name);
        if (a == null) {
            throw new IllegalArgumentException(c.dir() + " lacks the stream '" + name + "'; use an empty --work"
                    + " directory");
        }
        return a;
    }

    /** The embeddings of every window: the stream entering block 0, the same at every width. */
    private void start(WeightSource base, NDManager root, long[][] trainWindows, List<long[]> evalChunks,
            Streams streams) throws IOException {
        Tensor e = base.tensor(WeightNames.EMBED);
        try (NDArray embedding = root.create(e.data(), new Shape(e.dims()))) {
            for (int s = 0; s < trainWindows.length; s++) {
                streams.teacher[s] = embed(root, embedding, trainWindows[s]);
            }
            for (int b : settings.bitWidths()) {
                NDArray[] before = new NDArray[evalChunks.size()];
                NDArray[] after = new NDArray[evalChunks.size()];
                for (int i = 0; i < before.length; i++) {
                    before[i] = embed(root, embedding, evalChunks.get(i));
                    after[i] = embed(root, embedding, evalChunks.get(i));
                }
                streams.before.put(b, before);
                streams.after.put(b, after);
            }
        }
    }

    /** The embeddings {@code [count, len, hidden]} of the windows' first {@code len} tokens. */
    private NDArray embed(NDManager root, NDArray embedding, long[] windows) {
        int len = settings.sequenceLength();
        int count = windows.length / (len + 1);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray ids = root.create(windows, new Shape(count, len + 1)).get(":, :-1");
            NDArray out = embedding.get(ids);
            NDScope.unregister(out);
            out.attach(root);
            return out;
        }
    }

    /**
     * Fine-tunes block {@code l} on the streams entering it, moves every stream past it, and returns its parameters
     * ({@link BitMixerWeights} names and layout). Arrays made on {@code manager} are gone when it closes; the streams
     * stay on its parent.
     */
    private Map<String, Tensor> trainBlock(WeightSource base, int l, NDManager manager, BitWidthSchedule schedule,
            long[][] trainWindows, Streams streams, List<BitMixerTrainer.LogLine> log, List<Integer> skipped,
            Progress progress) throws IOException {
        LlamaConfig config = base.config();
        int steps = trainWindows.length;
        NDArray[] targets = new NDArray[steps];
        try (DenseBlock teacher = new DenseBlock(base, l, manager.newSubManager())) {
            for (int s = 0; s < steps; s++) {
                targets[s] = forward(teacher, l, streams.teacher[s], Precision.FULL, manager);
            }
        }
        try (TrainableBitMixer student = TrainableBitMixer.block(config,
                BitMixerWeights.initialBlock(base, settings.bitWidths(), l), manager.newSubManager())) {
            // The evaluation windows through the block before fine-tuning, at each uniform width.
            for (int b : settings.bitWidths()) {
                student.assign(uniform(config, b));
                advance(streams.before.get(b), student, l, manager);
            }
            AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0f, name -> false, settings.clipNorm());
            adam.init(manager, student, null, 0);
            for (int s = 0; s < steps; s++) {
                Map<LinearId, Integer> bits = schedule.at(s);
                student.assign(bits);
                NDArray input = l == 0 ? streams.teacher[s]
                        : streams.quantized.get(bits.get(new LinearId(l - 1, Linear.DOWN)))[s];
                NDArray target = targets[s];
                float lr = settings.learningRate(s);
                int global = l * steps + s + 1;
                TrainingSteps.Outcome o = TrainingSteps.run(global, new TrainingSteps.Batch() {
                    @Override
                    public NDArray loss(NDArray unrecorded) {
                        NDArray out = block(student, l, input, new Precision("bit-mixer-training", 1.0));
                        return out.sub(target).square().mean();
                    }

                    @Override
                    public float update() {
                        return adam.step(student, student.active(), lr);
                    }
                });
                if (!o.finite()) {
                    skipped.add(global);
                    if (!Double.isFinite(o.loss()) || skipped.size() > Math.max(1, steps * config.numLayers() / 20)) {
                        throw new IllegalStateException("bit-mixer fine-tuning of block " + l + " diverged at step "
                                + (s + 1) + ": loss " + o.loss() + ", gradient norm " + o.gradNorm()
                                + " (learning rate " + lr + "; steps skipped so far " + skipped
                                + "); rerun with a lower --lr");
                    }
                    LOG.warn("block {} step {}: skipped without an update (gradient not finite twice)", l, s + 1);
                }
                String label = "block " + l + " " + (schedule.isUniform(s) ? bits.get(new LinearId(l, Linear.Q)) + "bit"
                        : String.format(Locale.ROOT, "mixed %.2f bits", blockAverageBits(config, bits, l)));
                if (TrainingSteps.due(s + 1, settings.logEvery(), steps)) {
                    log.add(new BitMixerTrainer.LogLine(global, label, o.loss(), lr));
                }
                progress.advanceTo(global, () -> String.format(Locale.ROOT, "[%s] block mse %.6f lr %.2e |g| %.3f",
                        label, o.loss(), lr, o.gradNorm()));
            }
            // The streams leaving the fine-tuned block: the evaluation windows', and each step's at each width.
            for (int b : settings.bitWidths()) {
                student.assign(uniform(config, b));
                advance(streams.after.get(b), student, l, manager);
                NDArray[] next = new NDArray[steps];
                for (int s = 0; s < steps; s++) {
                    NDArray input = l == 0 ? streams.teacher[s] : streams.quantized.get(b)[s];
                    next[s] = forward(student, l, input, new Precision("bit-mixer", b), manager);
                }
                NDArray[] old = streams.quantized.put(b, next);
                if (old != null) {
                    Arrays.stream(old).forEach(NDArray::close);
                }
            }
            // The full-precision stream moves on: the teacher's outputs enter the next block.
            for (int s = 0; s < steps; s++) {
                streams.teacher[s].close();
                streams.teacher[s] = targets[s];
            }
            return student.exportTensors();
        }
    }

    /** Replaces each stream by its image through block {@code l} of {@code w}. */
    private void advance(NDArray[] chunks, LlamaWeights w, int l, NDManager manager) {
        for (int i = 0; i < chunks.length; i++) {
            NDArray next = forward(w, l, chunks[i], new Precision("bit-mixer", 1.0), manager);
            chunks[i].close();
            chunks[i] = next;
        }
    }

    /** Block {@code l} of {@code w} on {@code x}, without recording gradients; the result goes to the parent of
     * {@code manager} (the streams' manager). */
    private NDArray forward(LlamaWeights w, int l, NDArray x, Precision precision, NDManager manager) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray out = block(w, l, x, precision);
            NDScope.unregister(out);
            out.attach(manager.getParentManager());
            return out;
        }
    }

    private static NDArray block(LlamaWeights w, int l, NDArray x, Precision precision) {
        long count = x.getShape().get(0);
        long len = x.getShape().get(1);
        NDManager m = x.getManager();
        NDArray positions = m.arange(0, (int) len, 1, DataType.INT64).reshape(1, len).repeat(0, count);
        LlamaGraph.Step step = LlamaGraph.step(w, positions, positions, null, null);
        return LlamaGraph.block(w, step, l, x, RowPrecisions.uniform(precision, (int) count));
    }

    private static Map<LinearId, Integer> uniform(LlamaConfig config, int bits) {
        Map<LinearId, Integer> out = new LinkedHashMap<>();
        LinearId.all(config).forEach(id -> out.put(id, bits));
        return out;
    }

    private static double blockAverageBits(LlamaConfig config, Map<LinearId, Integer> bits, int l) {
        Map<LinearId, Integer> block = new LinkedHashMap<>();
        bits.forEach((id, b) -> {
            if (id.layer() == l) {
                block.put(id, b);
            }
        });
        return BitWidthSchedule.averageBits(config, block);
    }

    /** Next-token cross-entropy at each width of the evaluation streams leaving the last block. */
    private SortedMap<Integer, Double> crossEntropy(WeightSource base, NDManager root, Map<Integer, NDArray[]> streams,
            List<long[]> evalChunks) throws IOException {
        int len = settings.sequenceLength();
        SortedMap<Integer, Double> out = new TreeMap<>();
        try (NDManager m = root.newSubManager(); DenseBlock head = DenseBlock.head(base, m)) {
            for (Map.Entry<Integer, NDArray[]> e : streams.entrySet()) {
                double sum = 0;
                for (int i = 0; i < evalChunks.size(); i++) {
                    long[] windows = evalChunks.get(i);
                    int n = windows.length / (len + 1);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray targets = root.create(windows, new Shape(n, len + 1)).get(":, 1:");
                        NDArray logp = LlamaGraph.logits(head, LlamaGraph.finalNorm(head, e.getValue()[i]))
                                .logSoftmax(-1);
                        sum += logp.gather(targets.expandDims(-1), -1).mean().neg().getFloat() * n;
                    }
                }
                out.put(e.getKey(), sum / settings.evalWindows());
            }
        }
        return out;
    }
}
