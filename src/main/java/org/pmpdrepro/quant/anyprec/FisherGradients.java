package org.pmpdrepro.quant.anyprec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
 * ({@link LlamaGraph}). Every sequence gets fresh leaf copies of the matrices, so its gradient is its own (nothing
 * accumulates from earlier backward passes), and the squares are summed on the device.
 */
final class FisherGradients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FisherGradients.class);

    private final DjlLlama dense;
    private final LlamaConfig config;

    FisherGradients(WeightSource model, Device device) {
        this.dense = DjlLlama.dense(model, device);
        this.config = model.config();
    }

    /** {@code sum over sequences of (dL_s/dW)^2} per matrix, {@code [out, in]}; L_s is sequence s's mean loss. */
    Map<LinearId, Tensor> squaredGradientSums(List<int[]> sequences) {
        List<LinearId> ids = LinearId.all(config);
        Map<LinearId, NDArray> sums = new LinkedHashMap<>();
        try (NDManager accumulators = dense.manager().newSubManager()) {
            for (LinearId id : ids) {
                NDArray base = dense.linearTransposed(id.layer(), id.proj(), Precision.FULL);
                sums.put(id, accumulators.zeros(base.getShape(), DataType.FLOAT32));
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
                // Each accumulator is released once copied out, so the sums are not held twice over.
                try (NDArray sum = sums.remove(id)) {
                    long[] shape = sum.getShape().getShape();
                    Tensor held = new Tensor(id.weightName(), new int[] {(int) shape[0], (int) shape[1]},
                            sum.toFloatArray());
                    out.put(id, held.transposed());
                }
            }
            return out;
        }
    }

    /**
     * Adds one sequence's squared gradients to {@code sums}. A non-finite gradient is recomputed once (a guard kept
     * from when graph constants could be freed before backward, see {@code ScalarOperands}); a second non-finite
     * result is an error naming the sequence, never a NaN summed into every later value.
     */
    private void accumulate(int[] sequence, int index, Map<LinearId, NDArray> sums) {
        int n = sequence.length;
        if (n < 2 || n > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("calibration sequence " + index + " has " + n + " tokens; expected 2.."
                    + config.maxPositionEmbeddings());
        }
        for (int attempt = 1; attempt <= 2; attempt++) {
            if (tryAccumulate(sequence, sums)) {
                if (attempt > 1) {
                    LOG.warn("fisher: sequence {} ({} tokens) gave a non-finite gradient once; the recomputation was"
                            + " finite and is used", index, n);
                }
                return;
            }
        }
        throw new IllegalStateException("fisher: calibration sequence " + index + " (" + n + " tokens) gives a"
                + " non-finite loss gradient twice; check the model's weights and that sequence");
    }

    /** Adds the squared gradients of one sequence when they are all finite; returns whether it did. */
    private boolean tryAccumulate(int[] sequence, Map<LinearId, NDArray> sums) {
        int n = sequence.length;
        try (NDManager m = dense.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Map<LinearId, NDArray> leaves = new HashMap<>();
            for (LinearId id : sums.keySet()) {
                NDArray leaf = dense.linearTransposed(id.layer(), id.proj(), Precision.FULL).duplicate();
                leaf.attach(m);
                leaf.setRequiresGradient(true);
                leaves.put(id, leaf);
            }
            long[] inputs = new long[n - 1];
            long[] targets = new long[n - 1];
            long[] positions = new long[n - 1];
            for (int t = 0; t < n - 1; t++) {
                inputs[t] = sequence[t];
                targets[t] = sequence[t + 1];
                positions[t] = t;
            }
            LlamaWeights weights = new WithLeaves(dense, leaves);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = LlamaGraph.hidden(weights, m.create(inputs, new Shape(1, n - 1)),
                        m.create(positions, new Shape(1, n - 1)), null, null, RowPrecisions.uniform(Precision.FULL, 1));
                NDArray logp = LlamaGraph.logits(weights, hidden).logSoftmax(-1);
                NDArray loss = logp.gather(m.create(targets, new Shape(1, n - 1)).expandDims(-1), -1).mean().neg();
                gc.backward(loss);
            }
            // The squares are formed twice (once to check, once to add) rather than all held at once: one square
            // matrix alive at a time instead of a copy of every matrix. Squaring is exact to repeat.
            NDArray total = m.zeros(new Shape());
            for (NDArray leaf : leaves.values()) {
                try (NDArray sq = leaf.getGradient().square()) {
                    total = total.add(sq.sum());
                }
            }
            if (!Float.isFinite(total.getFloat())) {
                return false;
            }
            // In place on the accumulators, which live outside this step's scope.
            for (Map.Entry<LinearId, NDArray> e : leaves.entrySet()) {
                try (NDArray sq = e.getValue().getGradient().square()) {
                    sums.get(e.getKey()).addi(sq);
                }
            }
            return true;
        }
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
