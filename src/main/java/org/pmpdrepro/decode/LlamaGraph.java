package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.WeightNames.Linear;

/**
 * The Llama forward pass in DJL operations: RMSNorm, rotary embeddings, grouped-query causal attention with an
 * optional KV cache, SwiGLU MLP. Training and decoding share it.
 */
public final class LlamaGraph {

    /**
     * Additive score of a masked key. Finite on purpose: a padding query whose keys are all masked then attends
     * uniformly instead of producing NaN, and {@code exp(MASKED - max)} is exactly zero for every real row.
     */
    static final float MASKED = -1e30f;

    /**
     * Hidden states after the final norm, {@code [batch, time, hidden]}.
     *
     * @param ids token ids {@code [batch, time]} (int64)
     * @param positions rotary positions {@code [batch, time]} (int64)
     * @param keyBias additive key mask {@code [batch, cachedTime + time]} (0 or {@link #MASKED}), or null when
     *     every key is valid
     * @param cache the KV cache to read and extend, or null for a cache-free pass (training)
     * @param rows the weight precision of each batch row
     */
    public static NDArray hidden(
            LlamaWeights w, NDArray ids, NDArray positions, NDArray keyBias, KvCache cache, RowPrecisions rows) {
        Step step = step(w, ids, positions, keyBias, cache);
        NDArray x = embed(w, ids);
        for (int l = 0; l < w.config().numLayers(); l++) {
            x = block(w, step, l, x, rows);
        }
        return finalNorm(w, x);
    }

    /**
     * {@link #hidden} for a pass that records no gradients (decoding, perplexity, calibration): each block runs in
     * its own {@link NDScope}, so its intermediate arrays (attention scores, the MLP's activations) are closed as soon
     * as the block is done and the stream leaving it is kept; the stream entering it is closed once it is no longer
     * needed. A pass then holds one block's activations instead of every block's until the pass ends (at the
     * TinyLlama-1.1B shape, a prefill of 16 prompts held about 0.4 GB per block). The same operations on the same
     * arrays: the values are those of {@link #hidden}. Not for training, whose backward pass needs what a block made.
     */
    public static NDArray hiddenInference(
            LlamaWeights w, NDArray ids, NDArray positions, NDArray keyBias, KvCache cache, RowPrecisions rows) {
        Step step = step(w, ids, positions, keyBias, cache);
        NDArray x = embed(w, ids);
        for (int l = 0; l < w.config().numLayers(); l++) {
            NDArray next;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                next = block(w, step, l, x, rows);
                NDScope.unregister(next);
            }
            // Back into the caller's scope, which closes it with the pass's other arrays.
            NDScope.register(next);
            x.close();
            x = next;
        }
        return finalNorm(w, x);
    }

    /**
     * What every block of one forward pass shares: the batch's shape, its rotary tables at the given positions,
     * the attention bias, and the KV cache (or null).
     */
    public record Step(long batch, long time, NDArray cos, NDArray sin, NDArray bias, KvCache cache) {}

    /** The shared inputs of a pass over {@code ids} at {@code positions}; arguments as for {@link #hidden}. */
    public static Step step(LlamaWeights w, NDArray ids, NDArray positions, NDArray keyBias, KvCache cache) {
        long batch = ids.getShape().get(0);
        long time = ids.getShape().get(1);
        long cached = cache == null ? 0 : cache.length();
        // A position never exceeds the tokens seen so far, cached and new.
        NDArray cos = w.ropeCos(cached + time).get(positions).expandDims(1);
        NDArray sin = w.ropeSin(cached + time).get(positions).expandDims(1);
        NDArray bias = attentionBias(ids.getManager(), keyBias, batch, time, cached);
        return new Step(batch, time, cos, sin, bias, cache);
    }

    /** The residual stream entering block 0: the token embeddings, {@code [batch, time, hidden]}. */
    public static NDArray embed(LlamaWeights w, NDArray ids) {
        return w.embedding().get(ids);
    }

    /** Block {@code l} applied to the residual stream {@code x}: the stream entering block {@code l + 1}. */
    public static NDArray block(LlamaWeights w, Step step, int l, NDArray x, RowPrecisions rows) {
        LlamaConfig c = w.config();
        long batch = step.batch();
        long time = step.time();
        int heads = c.numHeads();
        int kvHeads = c.numKvHeads();
        int headDim = c.headDim();
        float eps = (float) c.rmsNormEps();
        NDArray h = rmsNorm(x, rows.norm(w, l, BlockNorm.INPUT), eps);
        NDArray[] qkv = rows.linears(h, w, l, Linear.Q, Linear.K, Linear.V);
        NDArray q = heads(qkv[0], batch, time, heads, headDim);
        NDArray k = heads(qkv[1], batch, time, kvHeads, headDim);
        NDArray v = heads(qkv[2], batch, time, kvHeads, headDim);
        q = rotate(q, step.cos(), step.sin(), headDim / 2);
        k = rotate(k, step.cos(), step.sin(), headDim / 2);
        if (step.cache() != null) {
            NDArray[] kv = step.cache().append(l, k, v);
            k = kv[0];
            v = kv[1];
        }
        // Query head h reads key/value head h / groupSize: split the heads axis instead of copying K and V.
        // The score-sized arrays ([batch, heads, time, keys], the largest of a long prompt or calibration batch)
        // are closed as soon as the next one is made, so at most two exist at once. Closing drops this handle
        // only: a graph that records gradients keeps what its backward pass needs.
        NDArray qg = q.reshape(batch, kvHeads, c.groupSize(), time, headDim);
        NDArray products = qg.matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3));
        NDArray scores = ScalarOperands.mul(products, 1.0f / (float) Math.sqrt(headDim));
        products.close();
        if (step.bias() != null) {
            NDArray biased = scores.add(step.bias());
            scores.close();
            scores = biased;
        }
        NDArray probabilities = scores.softmax(-1);
        scores.close();
        NDArray attended = probabilities.matMul(v.expandDims(2));
        probabilities.close();
        NDArray merged = attended.reshape(batch, heads, time, headDim).transpose(0, 2, 1, 3)
                .reshape(batch, time, (long) heads * headDim);
        x = x.add(rows.linear(merged, w, l, Linear.O));

        NDArray h2 = rmsNorm(x, rows.norm(w, l, BlockNorm.POST_ATTENTION), eps);
        NDArray[] gateUp = rows.linears(h2, w, l, Linear.GATE, Linear.UP);
        NDArray gate = gateUp[0];
        NDArray up = gateUp[1];
        // The MLP's [batch, time, intermediate] arrays closed as they are used up, as the scores above.
        NDArray sigmoid = Activation.sigmoid(gate);
        NDArray silu = gate.mul(sigmoid);
        sigmoid.close();
        NDArray product = silu.mul(up);
        silu.close();
        gate.close();
        up.close();
        NDArray down = rows.linear(product, w, l, Linear.DOWN);
        product.close();
        return x.add(down);
    }

    /** The final norm of the stream leaving the last block. */
    public static NDArray finalNorm(LlamaWeights w, NDArray x) {
        return rmsNorm(x, w.finalNorm(), (float) w.config().rmsNormEps());
    }

    /** Logits {@code [..., vocab]} of hidden states {@code [..., hidden]}. */
    public static NDArray logits(LlamaWeights w, NDArray hidden) {
        return hidden.matMul(w.lmHeadTransposed());
    }

    static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        NDArray inv = ScalarOperands.pow(ScalarOperands.add(x.square().mean(new int[] {-1}, true), eps), -0.5f);
        return x.mul(inv).mul(weight);
    }

    /** {@code [batch, time, heads*headDim]} to {@code [batch, heads, time, headDim]}. */
    private static NDArray heads(NDArray x, long batch, long time, int heads, int headDim) {
        return x.reshape(batch, time, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** Rotary embedding, rotate-half layout: dimension i pairs with i + half. */
    static NDArray rotate(NDArray x, NDArray cos, NDArray sin, int half) {
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        return NDArrays.concat(new NDList(x1.mul(cos).sub(x2.mul(sin)), x2.mul(cos).add(x1.mul(sin))), -1);
    }

    /**
     * The additive mask {@code [batch, 1, 1, time, keys]} combining causality (a query sees keys up to its own
     * index) with the per-row key padding mask; null when nothing is masked.
     */
    private static NDArray attentionBias(NDManager m, NDArray keyBias, long batch, long time, long cached) {
        long keys = cached + time;
        NDArray bias = null;
        if (time > 1) {
            NDArray q = m.arange(cached, keys, 1, DataType.INT64).reshape(time, 1);
            NDArray k = m.arange(0, keys, 1, DataType.INT64).reshape(1, keys);
            bias = ScalarOperands.mul(k.gt(q).toType(DataType.FLOAT32, false), MASKED);
        }
        if (keyBias != null) {
            NDArray pad = keyBias.reshape(batch, 1, 1, 1, keys);
            bias = bias == null ? pad : pad.add(bias);
        }
        return bias;
    }

    private LlamaGraph() {}
}
