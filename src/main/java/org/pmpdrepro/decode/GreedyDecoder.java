package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched greedy decoding with a KV cache.
 *
 * <p>Prompts are grouped into batches by length (so little padding is wasted), left-padded, and decoded together;
 * a sequence that emits end-of-sequence or reaches the token limit leaves the batch, and its cache rows with it.
 * Each pass asks the generation's {@link ScheduleSession} (from {@link PrecisionPlan#start()}) for every row's
 * precision and, when it asks to observe them, reports each prompt's last-layer cache after the prefill and the top
 * probability of every step.
 */
public final class GreedyDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(GreedyDecoder.class);

    private final DjlLlama model;
    private final int batchSize;
    private final int padId;

    public GreedyDecoder(DjlLlama model, int batchSize, int padId) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
        }
        this.model = model;
        this.batchSize = batchSize;
        this.padId = padId;
    }

    /** Greedy continuations of {@code prompts}, at most {@code maxNewTokens} each, in prompt order. */
    public DecodeResult generate(List<int[]> prompts, int maxNewTokens, int eosId, PrecisionPlan plan) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + ": expected at least 1");
        }
        int limit = model.config().maxPositionEmbeddings();
        for (int i = 0; i < prompts.size(); i++) {
            int len = prompts.get(i).length;
            if (len == 0 || len + maxNewTokens > limit) {
                throw new IllegalArgumentException("prompt " + i + " has " + len + " tokens; with " + maxNewTokens
                        + " new tokens it must be non-empty and fit the model's " + limit + " positions");
            }
        }
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> prompts.get(i).length).thenComparingInt(i -> i));

        ScheduleSession session = plan.start();
        Generation[] out = new Generation[prompts.size()];
        long start = System.nanoTime();
        long tokens = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            int[] batch = new int[Math.min(batchSize, order.length - from)];
            for (int b = 0; b < batch.length; b++) {
                batch[b] = order[from + b];
            }
            List<Generation> gens = decodeBatch(prompts, batch, maxNewTokens, eosId, session);
            for (int b = 0; b < batch.length; b++) {
                out[batch[b]] = gens.get(b);
                tokens += gens.get(b).trace().size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.debug("decoded {} prompts, {} tokens in {} s on {}", prompts.size(), tokens, seconds, model.device());
        return new DecodeResult(Arrays.asList(out), model.device().toString(), tokens, seconds);
    }

    private List<Generation> decodeBatch(List<int[]> prompts, int[] batch, int maxNew, int eosId,
            ScheduleSession plan) {
        int rows = batch.length;
        int width = 0;
        for (int p : batch) {
            width = Math.max(width, prompts.get(p).length);
        }
        List<List<Integer>> generated = new ArrayList<>();
        List<List<Precision>> traces = new ArrayList<>();
        boolean[] eos = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            generated.add(new ArrayList<>());
            traces.add(new ArrayList<>());
        }

        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(model.config().numLayers())) {
            long[] ids = new long[rows * width];
            long[] pos = new long[rows * width];
            float[] keyBias = new float[rows * width];
            int[] nextPosition = new int[rows];
            for (int r = 0; r < rows; r++) {
                int[] prompt = prompts.get(batch[r]);
                int pad = width - prompt.length;
                for (int j = 0; j < width; j++) {
                    boolean real = j >= pad;
                    ids[r * width + j] = real ? prompt[j - pad] : padId;
                    pos[r * width + j] = real ? j - pad : 0;
                    keyBias[r * width + j] = real ? 0f : LlamaGraph.MASKED;
                }
                nextPosition[r] = prompt.length;
            }
            NDArray bias = m.create(keyBias, new Shape(rows, width));
            Precision[] prefill = new Precision[rows];
            for (int r = 0; r < rows; r++) {
                prefill[r] = plan.prefill(batch[r]);
            }
            int[] active = IntStream.range(0, rows).toArray();
            Pass pass;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                pass = forward(m.create(ids, new Shape(rows, width)), m.create(pos, new Shape(rows, width)), bias,
                        cache, RowPrecisions.of(prefill), plan.observesConfidence());
            }
            if (plan.observesCache()) {
                reportLastLayer(plan, prompts, batch, width, cache);
            }
            long[] next = pass.tokens();
            Precision[] current = prefill;
            for (int step = 1; ; step++) {
                // Record the tokens this pass produced; a row that is done leaves the batch.
                int kept = 0;
                int[] keep = new int[active.length];
                for (int a = 0; a < active.length; a++) {
                    int r = active[a];
                    traces.get(r).add(current[a]);
                    if (pass.topProbabilities() != null) {
                        plan.afterStep(batch[r], step - 1, pass.topProbabilities()[a]);
                    }
                    if (next[a] == eosId) {
                        eos[r] = true;
                    } else {
                        generated.get(r).add((int) next[a]);
                        if (generated.get(r).size() < maxNew) {
                            keep[kept++] = a;
                        }
                    }
                }
                if (kept == 0) {
                    break;
                }
                if (kept < active.length) {
                    int[] survivors = Arrays.copyOf(keep, kept);
                    NDArray keepRows = m.create(Arrays.stream(survivors).asLongStream().toArray());
                    cache.keepRows(keepRows);
                    NDArray smaller = bias.get(new NDIndex("{}", keepRows));
                    bias.close();
                    keepRows.close();
                    bias = smaller;
                    int[] oldActive = active;
                    long[] oldNext = next;
                    active = Arrays.stream(survivors).map(a -> oldActive[a]).toArray();
                    next = Arrays.stream(survivors).mapToLong(a -> oldNext[a]).toArray();
                }
                NDArray grown = NDArrays.concat(new NDList(bias, m.zeros(new Shape(active.length, 1))), 1);
                bias.close();
                bias = grown;

                current = new Precision[active.length];
                long[] position = new long[active.length];
                for (int a = 0; a < active.length; a++) {
                    current[a] = plan.decode(batch[active[a]], step);
                    // Token number `step` (1-based) sits right after the prompt's last position.
                    position[a] = prompts.get(batch[active[a]]).length + step - 1;
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    pass = forward(m.create(next, new Shape(active.length, 1)),
                            m.create(position, new Shape(active.length, 1)), bias, cache, RowPrecisions.of(current),
                            plan.observesConfidence());
                }
                next = pass.tokens();
            }
            bias.close();
        }
        List<Generation> gens = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            gens.add(new Generation(generated.get(r).stream().mapToInt(Integer::intValue).toArray(), traces.get(r),
                    eos[r]));
        }
        return gens;
    }

    /** One pass's greedy tokens, with their top probabilities when asked for (else null). */
    private record Pass(long[] tokens, float[] topProbabilities) {}

    /** Greedy token of each row's last position after a pass over {@code ids}. */
    private Pass forward(NDArray ids, NDArray positions, NDArray bias, KvCache cache, RowPrecisions rows,
            boolean confidence) {
        NDArray hidden = LlamaGraph.hidden(model, ids, positions, bias, cache, rows);
        NDArray logits = LlamaGraph.logits(model, hidden.get(new NDIndex(":, -1, :")));
        long[] tokens = logits.argMax(-1).toLongArray();
        // NaN propagates into a row's maximum (and +inf is one), so one small reduction catches every broken row.
        float[] best = logits.max(new int[] {-1}).toFloatArray();
        for (int r = 0; r < best.length; r++) {
            if (!Float.isFinite(best[r])) {
                throw new NonFiniteLogitsException("the logits of batch row " + r + " are non-finite (maximum "
                        + best[r] + "); the weights or their quantized form produce NaN or infinity");
            }
        }
        // The softmax never decides the token, so observing confidence cannot change what is decoded.
        float[] top = confidence ? logits.softmax(-1).max(new int[] {-1}).toFloatArray() : null;
        return new Pass(tokens, top);
    }

    /** Hands each row's last-layer keys and values, left padding cut off, to the session. */
    private void reportLastLayer(ScheduleSession plan, List<int[]> prompts, int[] batch, int width, KvCache cache) {
        int last = cache.layers() - 1;
        long[] shape = cache.keys(last).getShape().getShape();
        int kvHeads = (int) shape[1];
        int headDim = (int) shape[3];
        float[] keys = cache.keys(last).toFloatArray();
        float[] values = cache.values(last).toFloatArray();
        for (int r = 0; r < batch.length; r++) {
            int len = prompts.get(batch[r]).length;
            int pad = width - len;
            float[] k = new float[kvHeads * len * headDim];
            float[] v = new float[k.length];
            for (int h = 0; h < kvHeads; h++) {
                int from = ((r * kvHeads + h) * width + pad) * headDim;
                System.arraycopy(keys, from, k, h * len * headDim, len * headDim);
                System.arraycopy(values, from, v, h * len * headDim, len * headDim);
            }
            plan.afterPrefill(batch[r], new LayerKv(kvHeads, len, headDim, k, v));
        }
    }
}
