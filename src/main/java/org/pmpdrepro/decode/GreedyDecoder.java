package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.pmpdrepro.model.LlamaConfig;
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

    /**
     * Padded prompt tokens prefilled together by default: matrix products of a few hundred rows run near the engine's
     * best rate, while whole batches of long prompts make activations too large for the caches.
     */
    public static final int DEFAULT_PREFILL_TOKENS = 512;

    private final DjlLlama model;
    private final int batchSize;
    private final int padId;
    private final int prefillTokens;

    public GreedyDecoder(DjlLlama model, int batchSize, int padId) {
        this(model, batchSize, padId, DEFAULT_PREFILL_TOKENS);
    }

    /**
     * @param batchSize prompts decoded together
     * @param prefillTokens padded prompt tokens prefilled in one pass (a longer prompt is prefilled alone)
     */
    public GreedyDecoder(DjlLlama model, int batchSize, int padId, int prefillTokens) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
        }
        if (prefillTokens < 1) {
            throw new IllegalArgumentException("prefill tokens " + prefillTokens + ": expected at least 1");
        }
        this.model = model;
        this.batchSize = batchSize;
        this.padId = padId;
        this.prefillTokens = prefillTokens;
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
        DecodeProfile.Builder profile = new DecodeProfile.Builder();
        long start = System.nanoTime();
        long tokens = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            int[] batch = new int[Math.min(batchSize, order.length - from)];
            for (int b = 0; b < batch.length; b++) {
                batch[b] = order[from + b];
            }
            List<Generation> gens = decodeBatch(prompts, batch, maxNewTokens, eosId, session, profile);
            for (int b = 0; b < batch.length; b++) {
                out[batch[b]] = gens.get(b);
                tokens += gens.get(b).trace().size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.debug("decoded {} prompts, {} tokens in {} s on {}", prompts.size(), tokens, seconds, model.device());
        return new DecodeResult(Arrays.asList(out), model.device().toString(), tokens, seconds, profile.build());
    }

    private List<Generation> decodeBatch(List<int[]> prompts, int[] batch, int maxNew, int eosId,
            ScheduleSession plan, DecodeProfile.Builder profile) {
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
        LlamaConfig config = model.config();
        // The last generated token is never fed back, so a row needs width + maxNew - 1 positions at most.
        int capacity = width + maxNew - 1;
        try (NDManager m = model.manager().newSubManager();
                KvCache cache = KvCache.preallocated(m, config.numLayers(), rows, config.numKvHeads(), capacity,
                        config.headDim())) {
            float[] keyBias = new float[rows * capacity];
            for (int r = 0; r < rows; r++) {
                int pad = width - prompts.get(batch[r]).length;
                Arrays.fill(keyBias, r * capacity, r * capacity + pad, LlamaGraph.MASKED);
            }
            NDArray bias = m.create(keyBias, new Shape(rows, capacity));
            Precision[] prefill = new Precision[rows];
            for (int r = 0; r < rows; r++) {
                prefill[r] = plan.prefill(batch[r]);
            }
            long started = System.nanoTime();
            Pass pass = prefill(m, prompts, batch, width, cache, prefill, plan.observesConfidence(), profile);
            profile.prefill(System.nanoTime() - started);
            if (plan.observesCache()) {
                reportLastLayer(plan, prompts, batch, width, cache);
            }
            int[] active = IntStream.range(0, rows).toArray();
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
                long stepStarted = System.nanoTime();
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
                current = new Precision[active.length];
                long[] position = new long[active.length];
                for (int a = 0; a < active.length; a++) {
                    current[a] = plan.decode(batch[active[a]], step);
                    // Token number `step` (1-based) sits right after the prompt's last position.
                    position[a] = prompts.get(batch[active[a]]).length + step - 1;
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray visible = bias.get(new NDIndex(":, :{}", cache.length() + 1));
                    pass = forward(m.create(next, new Shape(active.length, 1)),
                            m.create(position, new Shape(active.length, 1)), visible, cache,
                            RowPrecisions.of(current), plan.observesConfidence());
                }
                next = pass.tokens();
                profile.decodeStep(System.nanoTime() - stepStarted, active.length);
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

    /**
     * Prefills the batch in groups of consecutive rows of at most {@link #prefillTokens} padded tokens each (rows
     * are sorted by length, so a group pads little), and places each group's keys and values into {@code cache},
     * right-aligned at the batch width. Matrix products of a few hundred rows run at the engine's best rate; a
     * whole batch at once makes activations of tens of megabytes that spill the caches.
     */
    private Pass prefill(NDManager m, List<int[]> prompts, int[] batch, int width, KvCache cache,
            Precision[] precisions, boolean confidence, DecodeProfile.Builder profile) {
        int rows = batch.length;
        long[] tokens = new long[rows];
        float[] top = confidence ? new float[rows] : null;
        cache.fill(width);
        int from = 0;
        while (from < rows) {
            int to = from + 1;
            // Rows are sorted by length, so the last row of a group sets its width.
            while (to < rows && (long) (to + 1 - from) * prompts.get(batch[to]).length <= prefillTokens) {
                to++;
            }
            int groupWidth = prompts.get(batch[to - 1]).length;
            int n = to - from;
            long[] ids = new long[n * groupWidth];
            long[] pos = new long[n * groupWidth];
            float[] keyBias = new float[n * groupWidth];
            for (int g = 0; g < n; g++) {
                int[] prompt = prompts.get(batch[from + g]);
                int pad = groupWidth - prompt.length;
                for (int j = 0; j < groupWidth; j++) {
                    boolean real = j >= pad;
                    ids[g * groupWidth + j] = real ? prompt[j - pad] : padId;
                    pos[g * groupWidth + j] = real ? j - pad : 0;
                    keyBias[g * groupWidth + j] = real ? 0f : LlamaGraph.MASKED;
                }
                profile.promptTokens(prompt.length);
            }
            profile.paddedPromptTokens((long) n * groupWidth);
            try (NDScope scope = new NDScope(); KvCache part = new KvCache(cache.layers())) {
                scope.suppressNotUsedWarning();
                Pass pass = forward(m.create(ids, new Shape(n, groupWidth)), m.create(pos, new Shape(n, groupWidth)),
                        m.create(keyBias, new Shape(n, groupWidth)), part,
                        RowPrecisions.of(Arrays.copyOfRange(precisions, from, to)), confidence);
                cache.place(from, part);
                System.arraycopy(pass.tokens(), 0, tokens, from, n);
                if (top != null) {
                    System.arraycopy(pass.topProbabilities(), 0, top, from, n);
                }
            }
            from = to;
        }
        return new Pass(tokens, top);
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
