package org.pmpdrepro.quant.anyprec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.LlamaGraph;
import org.pmpdrepro.decode.LlamaWeights;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.RowPrecisions;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.LinearId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-sequence loss gradients w.r.t. the quantized matrices, by DJL autograd through the decoder's own forward graph
 * ({@link LlamaGraph}), one block at a time. Every sequence gets fresh leaves of the matrices (detached views of the
 * model's arrays), so its gradient is its own (nothing accumulates from earlier backward passes), and the squares
 * are summed on the device.
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
     * {@code sum over sequences of (dL_s/dW)^2} per matrix, {@code [out, in]}; L_s is sequence s's mean loss. The sums
     * are kept on the Java heap, not beside the model on the device: the pass then holds the model once, not the
     * model and a second model-sized array of sums (a float addition gives the same bits in either place).
     */
    Map<LinearId, Tensor> squaredGradientSums(List<int[]> sequences) {
        List<LinearId> ids = LinearId.all(config);
        Map<LinearId, float[]> sums = new LinkedHashMap<>();
        for (LinearId id : ids) {
            int[] shape = id.shape(config);
            sums.put(id, new float[shape[0] * shape[1]]);
        }
        long begin = System.nanoTime();
        int every = Math.max(1, sequences.size() / 20);
        for (int s = 0; s < sequences.size(); s++) {
            accumulate(sequences.get(s), s, sums);
            if ((s + 1) % every == 0 || s + 1 == sequences.size()) {
                double secs = (System.nanoTime() - begin) / 1e9;
                LOG.info(String.format("fisher: %d/%d sequences, %.0f s elapsed, ETA %.0f s", s + 1,
                        sequences.size(), secs, secs / (s + 1) * (sequences.size() - s - 1)));
            }
        }
        Map<LinearId, Tensor> out = new LinkedHashMap<>();
        for (LinearId id : ids) {
            // Summed in the decoder's [in, out] layout; each is released once transposed, not held twice over.
            int[] shape = id.shape(config);
            out.put(id, new Tensor(id.weightName(), new int[] {shape[1], shape[0]}, sums.remove(id)).transposed());
        }
        return out;
    }

    /**
     * Adds one sequence's squared gradients to {@code sums}, one block at a time from the last: the forward pass
     * cuts the graph at every block boundary (the stream entering each block is a leaf of its own), one backward pass
     * gives the loss gradient of the last stream, and each block's backward pass, fed the gradient of the stream it
     * produced, gives its matrices' gradients and the gradient of the stream entering it. Gradients of one block are
     * alive at a time instead of a copy of every matrix, and a block's matrices are leaves that share the model's
     * storage (detached views, not copies) and are dropped with their gradients once squared. The values equal those
     * of one backward pass through the whole graph: each cut passes on exactly the gradient that pass would.
     *
     * <p>A non-finite loss or gradient is an error naming the sequence (and the matrix), raised before it is added:
     * never a NaN summed into every later value.
     */
    private void accumulate(int[] sequence, int index, Map<LinearId, float[]> sums) {
        int n = sequence.length;
        if (n < 2 || n > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("calibration sequence " + index + " has " + n + " tokens; expected 2.."
                    + config.maxPositionEmbeddings());
        }
        int layers = config.numLayers();
        try (NDManager m = dense.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] inputs = new long[n - 1];
            long[] targets = new long[n - 1];
            long[] positions = new long[n - 1];
            for (int t = 0; t < n - 1; t++) {
                inputs[t] = sequence[t];
                targets[t] = sequence[t + 1];
                positions[t] = t;
            }
            Map<LinearId, NDArray> leaves = new HashMap<>();
            LlamaWeights weights = new WithLeaves(dense, leaves);
            // entering[l]: the leaf stream entering block l (l >= 1) or the final norm (l = layers); leaving[l]: the
            // stream block l produced from it.
            NDArray[] entering = new NDArray[layers + 1];
            NDArray[] leaving = new NDArray[layers];
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray ids = m.create(inputs, new Shape(1, n - 1));
                LlamaGraph.Step step = LlamaGraph.step(weights, ids, m.create(positions, new Shape(1, n - 1)), null,
                        null);
                NDArray x = LlamaGraph.embed(weights, ids);
                RowPrecisions rows = RowPrecisions.uniform(Precision.FULL, 1);
                for (int l = 0; l < layers; l++) {
                    for (Linear proj : Linear.values()) {
                        NDArray leaf = dense.linearTransposed(l, proj, Precision.FULL).stopGradient();
                        leaf.attach(m);
                        leaf.setRequiresGradient(true);
                        leaves.put(new LinearId(l, proj), leaf);
                    }
                    leaving[l] = LlamaGraph.block(weights, step, l, x, rows);
                    x = cut(leaving[l]);
                    entering[l + 1] = x;
                }
                NDArray logp = LlamaGraph.logits(weights, LlamaGraph.finalNorm(weights, x)).logSoftmax(-1);
                NDArray loss = logp.gather(m.create(targets, new Shape(1, n - 1)).expandDims(-1), -1).mean().neg();
                if (!Float.isFinite(loss.getFloat())) {
                    throw nonFinite(index, n, "loss");
                }
                gc.backward(loss);
                for (int l = layers - 1; l >= 0; l--) {
                    NDArray upstream = entering[l + 1].getGradient();
                    // d(sum(leaving * upstream)) / d(leaving) is upstream exactly.
                    gc.backward(leaving[l].mul(upstream).sum());
                    upstream.close();
                    for (Linear proj : Linear.values()) {
                        LinearId id = new LinearId(l, proj);
                        NDArray leaf = leaves.remove(id);
                        try (NDArray gradient = leaf.getGradient(); NDArray sq = gradient.square()) {
                            if (!Float.isFinite(sq.sum().getFloat())) {
                                throw nonFinite(index, n, "gradient of " + id.weightName());
                            }
                            // Read in place through a view of the engine's memory: no heap copy per matrix.
                            FloatBuffer squares = sq.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                            float[] sum = sums.get(id);
                            if (squares.remaining() != sum.length) {
                                throw new IllegalStateException("fisher: gradient of " + id.weightName() + " has "
                                        + squares.remaining() + " values; expected " + sum.length);
                            }
                            for (int i = 0; i < sum.length; i++) {
                                sum[i] += squares.get(i);
                            }
                        }
                        leaf.close();
                    }
                }
            }
        }
    }

    /** {@code stream} as a new leaf (sharing its storage) that collects the gradient flowing into it. */
    private static NDArray cut(NDArray stream) {
        NDArray leaf = stream.stopGradient();
        leaf.attach(stream.getManager());
        leaf.setRequiresGradient(true);
        return leaf;
    }

    private static IllegalStateException nonFinite(int index, int n, String what) {
        return new IllegalStateException("fisher: calibration sequence " + index + " (" + n + " tokens) gives a"
                + " non-finite " + what + "; check the model's weights and that sequence");
    }

    /** The dense model's arrays, with the linear matrices replaced by this sequence's gradient leaves. */
    private record WithLeaves(DjlLlama dense, Map<LinearId, NDArray> leaves) implements LlamaWeights {

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
