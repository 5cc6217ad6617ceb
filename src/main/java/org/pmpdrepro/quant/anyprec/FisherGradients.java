package org.pmpdrepro.quant.anyprec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.NativeAllocator;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-sequence loss gradients w.r.t. the quantized matrices, by DJL autograd through the decoder's own forward graph
 * ({@link LlamaGraph}), one block at a time over every sequence (see {@link #squaredGradientSums}). Every sequence
 * gets fresh leaves of the matrices (detached views of the model's arrays), so its gradient is its own (nothing
 * accumulates from earlier backward passes), and one block's squares are summed on the device.
 */
final class FisherGradients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FisherGradients.class);

    private final DjlLlama dense;
    private final LlamaConfig config;

    FisherGradients(WeightSource model, Device device) {
        this.dense = DjlLlama.dense(model, device);
        this.config = model.config();
    }

    /**
     * {@code sum over sequences of (dL_s/dW)^2} per matrix, {@code [out, in]}; L_s is sequence s's mean loss.
     *
     * <p>Block by block from the last, so that the engine holds the model, every sequence's stream at every block
     * boundary (4 bytes x hidden size per token and boundary) and one block's graph, gradients and sums, never the
     * whole model's activations, gradients or sums at once (each block's sums leave the engine when it is done). First a forward pass over every sequence keeps its boundary
     * streams and one backward pass through the final norm and head gives the loss gradient of its last stream. Then,
     * for each block from the last, each sequence's block is run again from its stored input with the block's
     * matrices as leaves (detached views of the model's arrays, fresh per sequence so no gradient accumulates) and
     * fed the gradient of the stream it produced (d(sum(out * g))/d(out) = g exactly): that gives the matrices'
     * gradients, squared and added in sequence order, and the gradient of the block's input for the block before.
     * The values equal those of one backward pass through the whole graph per sequence; the price is a second
     * forward pass. A non-finite loss or gradient is an error naming the sequence (and the matrix).
     */
    Map<LinearId, Tensor> squaredGradientSums(List<int[]> sequences) {
        Map<LinearId, Tensor> byId = new HashMap<>();
        try {
            squaredGradientSums(sequences, byId::putAll);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // putAll throws none
        }
        Map<LinearId, Tensor> out = new LinkedHashMap<>();
        for (LinearId id : LinearId.all(config)) {
            out.put(id, byId.get(id));
        }
        return out;
    }

    /** Receives one block's sums, {@code [out, in]} per matrix, when the block is done. */
    @FunctionalInterface
    interface BlockSink {
        void accept(Map<LinearId, Tensor> block) throws IOException;
    }

    /**
     * As {@link #squaredGradientSums(List)}, handing each block's sums to {@code sink} as soon as the block is done
     * (from the last block to the first) and keeping none: the sums of a 1.1B-parameter model are 3.9 GB.
     */
    void squaredGradientSums(List<int[]> sequences, BlockSink sink) throws IOException {
        int count = sequences.size();
        int layers = config.numLayers();
        for (int s = 0; s < count; s++) {
            int n = sequences.get(s).length;
            if (n < 2 || n > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("calibration sequence " + s + " has " + n + " tokens; expected 2.."
                        + config.maxPositionEmbeddings());
            }
        }
        try (NDManager kept = dense.manager().newSubManager()) {
            // streams[s][l]: the stream entering block l of sequence s; upstream[s]: the loss gradient of the
            // stream leaving the block being processed.
            NDArray[][] streams = new NDArray[count][];
            NDArray[] upstream = new NDArray[count];
            // The forward pass over every sequence, then the backward pass block by block, from the last.
            Progress progress = Progress.of(LOG, "fisher", layers + 1L, "passes");
            for (int s = 0; s < count; s++) {
                forward(sequences.get(s), s, kept, streams, upstream);
                NativeAllocator.giveBackFreedMemory();
            }
            progress.advance(1, () -> "forward pass over " + count + " sequences kept");
            for (int l = layers - 1; l >= 0; l--) {
                sink.accept(blockSums(l, sequences, kept, streams, upstream));
                NativeAllocator.giveBackFreedMemory();
                int block = l;
                progress.advance(1, () -> "block " + block + " done");
            }
        }
    }

    /**
     * Sequence {@code index}'s forward pass without gradients, keeping its boundary streams in {@code kept}, and the
     * loss gradient of its last stream.
     */
    private void forward(int[] sequence, int index, NDManager kept, NDArray[][] streams, NDArray[] upstream) {
        int n = sequence.length;
        int layers = config.numLayers();
        try (NDManager m = dense.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] targets = new long[n - 1];
            for (int t = 0; t < n - 1; t++) {
                targets[t] = sequence[t + 1];
            }
            // The model's own arrays, each projection apart as in the per-block passes (the decoder's fused
            // products could round differently).
            Map<LinearId, NDArray> matrices = new HashMap<>();
            for (LinearId id : LinearId.all(config)) {
                matrices.put(id, dense.linearTransposed(id.layer(), id.proj(), Precision.FULL));
            }
            LlamaWeights weights = new WithLeaves(dense, matrices);
            NDArray ids = ids(m, sequence);
            LlamaGraph.Step step = step(m, weights, ids);
            RowPrecisions rows = RowPrecisions.uniform(Precision.FULL, 1);
            streams[index] = new NDArray[layers + 1];
            NDArray x = LlamaGraph.embed(weights, ids);
            for (int l = 0; l <= layers; l++) {
                if (l > 0) {
                    x = LlamaGraph.block(weights, step, l - 1, x, rows);
                }
                streams[index][l] = keep(x, kept);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray last = cut(x, m);
                NDArray logp = LlamaGraph.logits(weights, LlamaGraph.finalNorm(weights, last)).logSoftmax(-1);
                NDArray loss = logp.gather(m.create(targets, new Shape(1, n - 1)).expandDims(-1), -1).mean().neg();
                if (!Float.isFinite(loss.getFloat())) {
                    throw nonFinite(index, n, "loss");
                }
                gc.backward(loss);
                upstream[index] = keep(last.getGradient(), kept);
            }
        }
    }

    /**
     * The summed squared gradients of block {@code layer}'s matrices over every sequence, {@code [out, in]}; moves
     * each sequence's {@code upstream} gradient to the block's input and releases the streams no longer needed.
     */
    private Map<LinearId, Tensor> blockSums(int layer, List<int[]> sequences, NDManager kept, NDArray[][] streams,
            NDArray[] upstream) {
        Linear[] projections = Linear.values();
        Map<LinearId, Tensor> out = new HashMap<>();
        try (NDManager block = dense.manager().newSubManager()) {
            NDArray[] sums = new NDArray[projections.length];
            for (int i = 0; i < projections.length; i++) {
                sums[i] = block.zeros(dense.linearTransposed(layer, projections[i], Precision.FULL).getShape());
            }
            for (int s = 0; s < sequences.size(); s++) {
                int n = sequences.get(s).length;
                try (NDManager m = dense.manager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Map<LinearId, NDArray> leaves = new HashMap<>();
                    for (Linear proj : projections) {
                        NDArray leaf = dense.linearTransposed(layer, proj, Precision.FULL).stopGradient();
                        leaf.attach(m);
                        leaf.setRequiresGradient(true);
                        leaves.put(new LinearId(layer, proj), leaf);
                    }
                    LlamaWeights weights = new WithLeaves(dense, leaves);
                    NDArray ids = ids(m, sequences.get(s));
                    // Block 0's input is the embedding, a constant: no gradient is needed there.
                    NDArray input = layer > 0 ? cut(streams[s][layer], m) : streams[s][layer];
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray leaving = LlamaGraph.block(weights, step(m, weights, ids), layer, input,
                                RowPrecisions.uniform(Precision.FULL, 1));
                        gc.backward(leaving.mul(upstream[s]).sum());
                    }
                    for (int i = 0; i < projections.length; i++) {
                        LinearId id = new LinearId(layer, projections[i]);
                        try (NDArray gradient = leaves.get(id).getGradient(); NDArray sq = gradient.square()) {
                            if (!Float.isFinite(sq.sum().getFloat())) {
                                throw nonFinite(s, n, "gradient of " + id.weightName());
                            }
                            sums[i].addi(sq);
                        }
                    }
                    upstream[s].close();
                    upstream[s] = layer > 0 ? keep(input.getGradient(), kept) : null;
                    streams[s][layer + 1].close();
                    if (layer == 0) {
                        streams[s][0].close();
                    }
                }
            }
            for (int i = 0; i < projections.length; i++) {
                // Summed in the decoder's [in, out] layout, returned as the weight's [out, in].
                LinearId id = new LinearId(layer, projections[i]);
                long[] shape = sums[i].getShape().getShape();
                out.put(id, new Tensor(id.weightName(), new int[] {(int) shape[0], (int) shape[1]},
                        sums[i].toFloatArray()).transposed());
            }
        }
        return out;
    }

    private static NDArray ids(NDManager m, int[] sequence) {
        long[] inputs = new long[sequence.length - 1];
        for (int t = 0; t < inputs.length; t++) {
            inputs[t] = sequence[t];
        }
        return m.create(inputs, new Shape(1, inputs.length));
    }

    /** The rotary tables of one sequence at positions 0.. of its inputs {@code ids}. */
    private static LlamaGraph.Step step(NDManager m, LlamaWeights weights, NDArray ids) {
        long n = ids.getShape().get(1);
        long[] positions = new long[(int) n];
        for (int t = 0; t < n; t++) {
            positions[t] = t;
        }
        return LlamaGraph.step(weights, ids, m.create(positions, new Shape(1, n)), null, null);
    }

    /** {@code array} moved out of the current step's scope into {@code kept}. */
    private static NDArray keep(NDArray array, NDManager kept) {
        NDScope.unregister(array);
        array.attach(kept);
        return array;
    }

    /** {@code stream} as a new leaf (sharing its storage) that collects the gradient flowing into it. */
    private static NDArray cut(NDArray stream, NDManager m) {
        NDArray leaf = stream.stopGradient();
        leaf.attach(m);
        leaf.setRequiresGradient(true);
        return leaf;
    }

    private static IllegalStateException nonFinite(int index, int n, String what) {
        return new IllegalStateException("fisher: calibration sequence " + index + " (" + n + " tokens) gives a"
                + " non-finite " + what + "; check the model's weights and that sequence");
    }

    /** The dense model's arrays with the linear matrices taken from {@code leaves}, never fused. */
    record WithLeaves(DjlLlama dense, Map<LinearId, NDArray> leaves) implements LlamaWeights {

        @Override
        public LlamaConfig config() {
            return dense.config();
        }

        @Override
        public NDArray embedding() {
            return dense.embedding();
        }

        @Override
        public NDArray inputNorm(int layer) {
            return dense.inputNorm(layer);
        }

        @Override
        public NDArray postAttentionNorm(int layer) {
            return dense.postAttentionNorm(layer);
        }

        @Override
        public NDArray finalNorm() {
            return dense.finalNorm();
        }

        @Override
        public NDArray lmHeadTransposed() {
            return dense.lmHeadTransposed();
        }

        @Override
        public NDArray linearTransposed(int layer, Linear proj, Precision precision) {
            return leaves.get(new LinearId(layer, proj));
        }

        @Override
        public NDArray ropeCos(long positions) {
            return dense.ropeCos(positions);
        }

        @Override
        public NDArray ropeSin(long positions) {
            return dense.ropeSin(positions);
        }
    }

    @Override
    public void close() {
        dense.close();
    }
}
