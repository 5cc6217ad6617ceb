package org.pmpdrepro.decode.cpu;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.cpu.kernel.DenseGemv;
import org.pmpdrepro.decode.cpu.kernel.Gemv;
import org.pmpdrepro.decode.cpu.kernel.OffHeap;
import org.pmpdrepro.decode.cpu.kernel.RowThreads;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.LlamaWeightLayout;
import org.pmpdrepro.model.Rope;
import org.pmpdrepro.model.WeightNames;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.model.WeightSource;

/**
 * The Llama forward pass in plain Java over the packed CPU kernels ({@link Gemv}): one sequence, one token per step,
 * every linear layer a matrix-vector product on the weights' own form (bit-planes read at the step's width, fp16 or
 * fp32 rows), so a decode step reads only the bytes its precision needs. Norms, rotary embeddings, attention and the
 * MLP's activation are fp32 loops; they are a small part of a step beside the weights.
 *
 * <p>The operations follow {@code decode.LlamaGraph} (RMSNorm as {@code x * (mean(x^2) + eps)^-0.5 * g}, rotate-half
 * rotary embeddings, grouped-query attention scaled by {@code 1/sqrt(headDim)}, SwiGLU), so the same weights give the
 * same greedy tokens as the DJL decoder up to floating-point rounding, which the conformance tests bound.
 *
 * <p>Products are bit-identical whatever the number of threads ({@link RowThreads}); the rest runs on the calling
 * thread in a fixed order, so a decode is bit-identical from run to run on one machine and JVM.
 */
public final class JavaLlama {

    /** The linear layers at each precision the model serves. */
    public interface Linears {

        /** Matrix {@code proj} of block {@code layer} at {@code precision}; an unsupported one is an error. */
        Gemv linear(int layer, Linear proj, Precision precision);

        /** Whether {@link #linear} serves {@code precision}. */
        boolean supports(Precision precision);
    }

    /**
     * The weights outside the quantized matrices, fp32: the embedding table {@code [vocab, hidden]}, each block's two
     * norm gains, the final norm's, and the output head as a kernel matrix {@code [vocab, hidden]}.
     */
    public record Dense(float[] embedding, float[][] inputNorms, float[][] postNorms, float[] finalNorm, Gemv head) {

        /** The dense weights of {@code weights}, the output head (or the tied embedding) stored as {@code head}. */
        public static Dense of(WeightSource weights, DenseGemv.Element head, OffHeap memory) throws IOException {
            LlamaConfig c = weights.config();
            int layers = c.numLayers();
            float[][] input = new float[layers][];
            float[][] post = new float[layers][];
            for (int l = 0; l < layers; l++) {
                input[l] = weights.tensor(WeightNames.inputNorm(l)).data();
                post[l] = weights.tensor(WeightNames.postAttentionNorm(l)).data();
            }
            String headName = LlamaWeightLayout.outputHead(c);
            Gemv h = DenseGemv.of(weights.tensor(headName).data(), c.vocabSize(), c.hiddenSize(), head, memory,
                    headName);
            return new Dense(weights.tensor(WeightNames.EMBED).data(), input, post,
                    weights.tensor(WeightNames.FINAL_NORM).data(), h);
        }
    }

    private final LlamaConfig config;
    private final Dense dense;
    private final Linears linears;
    private final RowThreads threads;
    private final Rope rope;

    /**
     * @param threads the threads every product runs on (held, not closed, by this model)
     */
    public JavaLlama(LlamaConfig config, Dense dense, Linears linears, RowThreads threads) {
        this.config = Objects.requireNonNull(config, "config");
        this.dense = Objects.requireNonNull(dense, "dense");
        this.linears = Objects.requireNonNull(linears, "linears");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.rope = Rope.of(config);
        int h = config.hiddenSize();
        int layers = config.numLayers();
        check(dense.embedding().length == (long) config.vocabSize() * h, "embedding of " + dense.embedding().length
                + " values; expected vocab " + config.vocabSize() + " x hidden " + h);
        check(dense.inputNorms().length == layers && dense.postNorms().length == layers, "norms of "
                + dense.inputNorms().length + " and " + dense.postNorms().length + " blocks; expected " + layers);
        for (int l = 0; l < layers; l++) {
            check(dense.inputNorms()[l].length == h && dense.postNorms()[l].length == h, "block " + l
                    + "'s norms are not of the hidden size " + h);
        }
        check(dense.finalNorm().length == h, "final norm of " + dense.finalNorm().length + "; expected " + h);
        check(dense.head().rows() == config.vocabSize() && dense.head().cols() == h, "output head ["
                + dense.head().rows() + ", " + dense.head().cols() + "]; expected [" + config.vocabSize() + ", " + h
                + "]");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("java engine: " + message);
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public Linears linears() {
        return linears;
    }

    public int threads() {
        return threads.threads();
    }

    /** Weight bytes one step reads at {@code precision}: every block matrix and the output head. */
    public long bytesReadPerToken(Precision precision) {
        long bytes = dense.head().bytesRead();
        for (int l = 0; l < config.numLayers(); l++) {
            for (Linear proj : Linear.values()) {
                bytes += linears.linear(l, proj, precision).bytesRead();
            }
        }
        return bytes;
    }

    /** A sequence with room for {@code capacity} positions. */
    public Sequence newSequence(int capacity) {
        if (capacity < 1 || capacity > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + capacity + " positions; expected 1.."
                    + config.maxPositionEmbeddings() + " (max_position_embeddings)");
        }
        return new Sequence(capacity);
    }

    /** One sequence's key/value cache and position; steps are fed one token at a time. Not thread-safe. */
    public final class Sequence {

        private final int capacity;
        private final float[][] keys;
        private final float[][] values;
        private int length;
        // Scratch, reused by every step.
        private final float[] x;
        private final float[] normed;
        private final float[] q;
        private final float[] k;
        private final float[] v;
        private final float[] attended;
        private final float[] projected;
        private final float[] gate;
        private final float[] up;
        private final float[] scores;
        private long stepNanos;
        private long matrixNanos;
        private long headNanos;

        private Sequence(int capacity) {
            this.capacity = capacity;
            int layers = config.numLayers();
            int kv = config.kvDim();
            this.keys = new float[layers][capacity * kv];
            this.values = new float[layers][capacity * kv];
            int h = config.hiddenSize();
            this.x = new float[h];
            this.normed = new float[h];
            this.q = new float[h];
            this.k = new float[kv];
            this.v = new float[kv];
            this.attended = new float[h];
            this.projected = new float[h];
            this.gate = new float[config.intermediateSize()];
            this.up = new float[config.intermediateSize()];
            this.scores = new float[capacity];
        }

        /** Tokens fed so far: the position the next one takes. */
        public int length() {
            return length;
        }

        /**
         * Feeds {@code token} at the next position with every linear layer at {@code precision} and returns the
         * logits predicting the token after it.
         */
        public float[] step(int token, Precision precision) {
            if (length == capacity) {
                throw new IllegalStateException("sequence full: " + capacity + " positions");
            }
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token " + token + " at position " + length + "; expected an id in"
                        + " [0, " + config.vocabSize() + ")");
            }
            if (!linears.supports(precision)) {
                throw new IllegalArgumentException("java engine: precision " + precision + " is not served");
            }
            long started = System.nanoTime();
            int h = config.hiddenSize();
            int pos = length;
            System.arraycopy(dense.embedding(), token * h, x, 0, h);
            float eps = (float) config.rmsNormEps();
            for (int l = 0; l < config.numLayers(); l++) {
                rmsNorm(x, dense.inputNorms()[l], eps, normed);
                multiply(linears.linear(l, Linear.Q, precision), normed, q);
                multiply(linears.linear(l, Linear.K, precision), normed, k);
                multiply(linears.linear(l, Linear.V, precision), normed, v);
                rope.apply(q, config.numHeads(), pos);
                rope.apply(k, config.numKvHeads(), pos);
                int kv = config.kvDim();
                System.arraycopy(k, 0, keys[l], pos * kv, kv);
                System.arraycopy(v, 0, values[l], pos * kv, kv);
                attend(l, pos + 1);
                multiply(linears.linear(l, Linear.O, precision), attended, projected);
                add(x, projected);
                rmsNorm(x, dense.postNorms()[l], eps, normed);
                multiply(linears.linear(l, Linear.GATE, precision), normed, gate);
                multiply(linears.linear(l, Linear.UP, precision), normed, up);
                for (int i = 0; i < gate.length; i++) {
                    float g = gate[i];
                    gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
                }
                multiply(linears.linear(l, Linear.DOWN, precision), gate, projected);
                add(x, projected);
            }
            length++;
            rmsNorm(x, dense.finalNorm(), eps, normed);
            float[] logits = new float[config.vocabSize()];
            long headStarted = System.nanoTime();
            threads.multiply(dense.head(), normed, logits);
            long now = System.nanoTime();
            headNanos += now - headStarted;
            stepNanos += now - started;
            return logits;
        }

        private void multiply(Gemv w, float[] in, float[] out) {
            long started = System.nanoTime();
            threads.multiply(w, in, out);
            matrixNanos += System.nanoTime() - started;
        }

        /** Where this sequence's steps spent their time so far. */
        public Clock clock() {
            return new Clock(length, stepNanos / 1e9, matrixNanos / 1e9, headNanos / 1e9);
        }

        /** Causal attention of the step's queries over the first {@code count} cached positions of block {@code l}. */
        private void attend(int l, int count) {
            int d = config.headDim();
            int kvDim = config.kvDim();
            int group = config.groupSize();
            float scale = (float) (1.0 / Math.sqrt(d));
            float[] ks = keys[l];
            float[] vs = values[l];
            for (int head = 0; head < config.numHeads(); head++) {
                int qOff = head * d;
                int kvOff = (head / group) * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < count; t++) {
                    float dot = 0;
                    int at = t * kvDim + kvOff;
                    for (int i = 0; i < d; i++) {
                        dot += q[qOff + i] * ks[at + i];
                    }
                    scores[t] = dot * scale;
                    max = Math.max(max, scores[t]);
                }
                float sum = 0;
                for (int t = 0; t < count; t++) {
                    scores[t] = (float) Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                Arrays.fill(attended, qOff, qOff + d, 0f);
                for (int t = 0; t < count; t++) {
                    float p = scores[t] / sum;
                    int at = t * kvDim + kvOff;
                    for (int i = 0; i < d; i++) {
                        attended[qOff + i] += p * vs[at + i];
                    }
                }
            }
        }

        /** The last block's cached keys and values, {@code [kvHeads, length, headDim]} each (for schedulers). */
        public LayerKv lastLayer() {
            int kvHeads = config.numKvHeads();
            int d = config.headDim();
            int kvDim = config.kvDim();
            int last = config.numLayers() - 1;
            float[] k2 = new float[kvHeads * length * d];
            float[] v2 = new float[k2.length];
            for (int hd = 0; hd < kvHeads; hd++) {
                for (int t = 0; t < length; t++) {
                    System.arraycopy(keys[last], t * kvDim + hd * d, k2, (hd * length + t) * d, d);
                    System.arraycopy(values[last], t * kvDim + hd * d, v2, (hd * length + t) * d, d);
                }
            }
            return new LayerKv(kvHeads, length, d, k2, v2);
        }
    }

    /**
     * Cumulative wall time of a sequence's steps: all of it, the block matrices' products, the output head's; the rest
     * (embedding, norms, rotary embedding, attention, activation) is {@code steps - matrices - head}.
     */
    public record Clock(int steps, double stepSeconds, double matrixSeconds, double headSeconds) {

        public double otherSeconds() {
            return stepSeconds - matrixSeconds - headSeconds;
        }
    }

    /** {@code out = x * (mean(x^2) + eps)^-0.5 * gain}. */
    static void rmsNorm(float[] x, float[] gain, float eps, float[] out) {
        float sum = 0;
        for (float value : x) {
            sum += value * value;
        }
        float inv = (float) (1.0 / Math.sqrt(sum / x.length + eps));
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * gain[i];
        }
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
