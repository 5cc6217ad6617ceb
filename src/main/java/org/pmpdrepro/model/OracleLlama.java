package org.pmpdrepro.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reference Llama forward pass in plain Java: fp32 weights and activations, dot products accumulated in
 * double, simple loops, no DJL. It is the oracle other decoders are tested against, so it follows Hugging
 * Face's {@code LlamaForCausalLM} literally: RMSNorm, rotate-half rotary embeddings, causal grouped-query
 * attention scaled by {@code 1/sqrt(headDim)}, SwiGLU MLP {@code down(silu(gate(x)) * up(x))}, residual
 * connections, final RMSNorm and the output head (or the tied embeddings). Linear weights are {@code [out, in]}.
 */
public final class OracleLlama {

    /** One decoder block's weights. */
    private record Block(float[] inputNorm, float[] q, float[] k, float[] v, float[] o, float[] postNorm,
            float[] gate, float[] up, float[] down) {}

    /** Queries, keys and values of one position in one layer, after rotary embedding. */
    record Projections(float[] q, float[] k, float[] v) {}

    private final LlamaConfig config;
    private final Rope rope;
    private final float[] embed;
    private final Block[] blocks;
    private final float[] finalNorm;
    private final float[] head;

    private OracleLlama(WeightSource weights) throws IOException {
        weights.validate();
        this.config = weights.config();
        this.rope = Rope.of(config);
        this.embed = weights.tensor(WeightNames.EMBED).data();
        this.blocks = new Block[config.numLayers()];
        for (int l = 0; l < blocks.length; l++) {
            blocks[l] = new Block(
                    weights.tensor(WeightNames.inputNorm(l)).data(),
                    weights.tensor(WeightNames.Linear.Q.weight(l)).data(),
                    weights.tensor(WeightNames.Linear.K.weight(l)).data(),
                    weights.tensor(WeightNames.Linear.V.weight(l)).data(),
                    weights.tensor(WeightNames.Linear.O.weight(l)).data(),
                    weights.tensor(WeightNames.postAttentionNorm(l)).data(),
                    weights.tensor(WeightNames.Linear.GATE.weight(l)).data(),
                    weights.tensor(WeightNames.Linear.UP.weight(l)).data(),
                    weights.tensor(WeightNames.Linear.DOWN.weight(l)).data());
        }
        this.finalNorm = weights.tensor(WeightNames.FINAL_NORM).data();
        this.head = weights.tensor(LlamaWeightLayout.outputHead(config)).data();
    }

    /** Validates {@code weights} against its configuration and reads every tensor the forward pass needs. */
    public static OracleLlama load(WeightSource weights) throws IOException {
        return new OracleLlama(weights);
    }

    /** An oracle over in-memory weights; shapes are validated against {@code config}. */
    public static OracleLlama of(LlamaConfig config, Map<String, Tensor> weights) {
        try {
            return new OracleLlama(new InMemoryWeights(config, weights));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public LlamaConfig config() {
        return config;
    }

    /**
     * Logits {@code [seqLen][vocab]} for {@code tokens} at positions {@code 0..n-1}, computed for the whole
     * sequence at once: each layer projects every position, then every position attends over the full key
     * sequence with later positions masked out.
     */
    public float[][] logits(int[] tokens) {
        int n = tokens.length;
        checkLength(n);
        float[][] x = new float[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embedding(tokens[t], t);
        }
        for (int l = 0; l < blocks.length; l++) {
            float[][] keys = new float[n][];
            float[][] values = new float[n][];
            float[][] queries = new float[n][];
            for (int t = 0; t < n; t++) {
                Projections p = project(l, x[t], t);
                queries[t] = p.q();
                keys[t] = p.k();
                values[t] = p.v();
            }
            for (int t = 0; t < n; t++) {
                x[t] = finishBlock(l, x[t], attention(queries[t], keys, values, n, t));
            }
        }
        float[][] out = new float[n][];
        for (int t = 0; t < n; t++) {
            out[t] = outputLogits(x[t]);
        }
        return out;
    }

    /** A fresh key/value cache for step-by-step decoding. */
    public OracleSession newSession() {
        return new OracleSession(this);
    }

    /**
     * Greedy decoding with a key/value cache: feeds {@code prompt}, then repeatedly appends the arg-max token
     * (lowest id on ties) until {@code maxNewTokens} tokens are generated or {@code eosId} is produced (it is
     * included in the result, as Hugging Face's {@code generate} does). A negative {@code eosId} means none.
     *
     * @return the generated ids, without the prompt
     */
    public int[] greedy(int[] prompt, int maxNewTokens, int eosId) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt; greedy decoding needs at least one token");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens " + maxNewTokens + "; expected >= 0");
        }
        checkLength(prompt.length + Math.max(0, maxNewTokens - 1));
        OracleSession session = newSession();
        float[] last = null;
        for (int token : prompt) {
            last = session.step(token);
        }
        List<Integer> generated = new ArrayList<>();
        while (generated.size() < maxNewTokens) {
            int next = OracleMath.argmax(last);
            generated.add(next);
            if (next == eosId || generated.size() == maxNewTokens) {
                break;
            }
            last = session.step(next);
        }
        return generated.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Index of the largest logit, the lowest one on ties; NaN logits are an error. */
    public static int argmax(float[] logits) {
        return OracleMath.argmax(logits);
    }

    // ---- pieces shared by the whole-sequence pass and the cached session ----

    void checkLength(int positions) {
        if (positions > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(positions + " positions; the model supports at most "
                    + config.maxPositionEmbeddings() + " (max_position_embeddings)");
        }
    }

    float[] embedding(int token, int pos) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token " + token + " at position " + pos + "; expected an id in [0, "
                    + config.vocabSize() + ")");
        }
        int h = config.hiddenSize();
        return Arrays.copyOfRange(embed, token * h, (token + 1) * h);
    }

    /** Input RMSNorm, then the q/k/v projections with rotary embedding for position {@code pos}. */
    Projections project(int layer, float[] x, int pos) {
        Block b = blocks[layer];
        int h = config.hiddenSize();
        int kv = config.kvDim();
        float[] n = OracleMath.rmsNorm(x, b.inputNorm(), config.rmsNormEps());
        float[] q = OracleMath.matVec(b.q(), h, h, n);
        float[] k = OracleMath.matVec(b.k(), kv, h, n);
        float[] v = OracleMath.matVec(b.v(), kv, h, n);
        rope.apply(q, config.numHeads(), pos);
        rope.apply(k, config.numKvHeads(), pos);
        return new Projections(q, k, v);
    }

    /**
     * Causal attention of one query (all heads) over {@code keys/values[0..count)}; positions after
     * {@code queryPos} are masked out. Query head {@code h} reads key/value head {@code h / groupSize}.
     */
    float[] attention(float[] q, float[][] keys, float[][] values, int count, int queryPos) {
        int d = config.headDim();
        int group = config.groupSize();
        double scale = 1.0 / Math.sqrt(d);
        float[] out = new float[config.hiddenSize()];
        double[] scores = new double[count];
        for (int h = 0; h < config.numHeads(); h++) {
            int qOff = h * d;
            int kvOff = (h / group) * d;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < count; j++) {
                if (j > queryPos) {
                    scores[j] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) q[qOff + i] * keys[j][kvOff + i];
                }
                scores[j] = dot * scale;
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < count; j++) {
                scores[j] = Math.exp(scores[j] - max); // exp(-inf) = 0 for masked positions
                sum += scores[j];
            }
            for (int i = 0; i < d; i++) {
                double acc = 0;
                for (int j = 0; j < count; j++) {
                    acc += scores[j] * values[j][kvOff + i];
                }
                out[qOff + i] = (float) (acc / sum);
            }
        }
        return out;
    }

    /** Output projection and residual, then post-attention RMSNorm, SwiGLU MLP and residual. */
    float[] finishBlock(int layer, float[] x, float[] attn) {
        Block b = blocks[layer];
        int h = config.hiddenSize();
        int inter = config.intermediateSize();
        float[] afterAttn = OracleMath.add(x, OracleMath.matVec(b.o(), h, h, attn));
        float[] n = OracleMath.rmsNorm(afterAttn, b.postNorm(), config.rmsNormEps());
        float[] gate = OracleMath.matVec(b.gate(), inter, h, n);
        float[] up = OracleMath.matVec(b.up(), inter, h, n);
        float[] act = new float[inter];
        for (int i = 0; i < inter; i++) {
            act[i] = (float) (OracleMath.silu(gate[i]) * up[i]);
        }
        return OracleMath.add(afterAttn, OracleMath.matVec(b.down(), h, inter, act));
    }

    /** Final RMSNorm and the output head. */
    float[] outputLogits(float[] x) {
        float[] n = OracleMath.rmsNorm(x, finalNorm, config.rmsNormEps());
        return OracleMath.matVec(head, config.vocabSize(), config.hiddenSize(), n);
    }
}
