package org.pmpdrepro.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public final class GreedyDecoder implements Decoder {

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
        return generate(prompts, maxNewTokens, eosId, List.of(plan)).get(0);
    }

    /**
     * The continuations of {@code prompts} under each of {@code plans}, as if each plan were decoded alone (one result
     * per plan, in order): plans that prefill a batch at the same precisions share that prefill, then each decodes
     * from its own copy of the cache. Schedules of one task and precision pair mostly prefill at the high width, and
     * the prefill is a third to a half of a decode here.
     */
    @Override
    public List<DecodeResult> generate(List<int[]> prompts, int maxNewTokens, int eosId, List<PrecisionPlan> plans) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + ": expected at least 1");
        }
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("no plan to decode with");
        }
        requireFits(prompts, maxNewTokens, model.config().maxPositionEmbeddings());
        Integer[] order = IntStream.range(0, prompts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> prompts.get(i).length).thenComparingInt(i -> i));

        List<Run> runs = new ArrayList<>();
        for (PrecisionPlan plan : plans) {
            runs.add(new Run(plan.start(), new Generation[prompts.size()]));
        }
        for (int from = 0; from < order.length; from += batchSize) {
            int[] batch = new int[Math.min(batchSize, order.length - from)];
            for (int b = 0; b < batch.length; b++) {
                batch[b] = order[from + b];
            }
            decodeBatch(prompts, batch, maxNewTokens, eosId, runs);
        }
        List<DecodeResult> results = new ArrayList<>();
        for (Run run : runs) {
            long tokens = Arrays.stream(run.out).mapToLong(g -> g.trace().size()).sum();
            DecodeProfile profile = run.profile.build();
            double seconds = profile.prefillSeconds() + profile.decodeSeconds();
            results.add(new DecodeResult(Arrays.asList(run.out), model.device().toString(), tokens, seconds, profile));
        }
        LOG.debug("decoded {} prompts under {} plans on {}", prompts.size(), plans.size(), model.device());
        return results;
    }

    @Override
    public int maxPositions() {
        return model.config().maxPositionEmbeddings();
    }

    /** Refuses an empty prompt, or one that with {@code maxNewTokens} new tokens exceeds the model's positions. */
    public static void requireFits(List<int[]> prompts, int maxNewTokens, int limit) {
        for (int i = 0; i < prompts.size(); i++) {
            int len = prompts.get(i).length;
            if (len == 0 || len + maxNewTokens > limit) {
                throw new IllegalArgumentException("prompt " + i + " has " + len + " tokens; with " + maxNewTokens
                        + " new tokens it must be non-empty and fit the model's " + limit + " positions");
            }
        }
    }

    /** One plan's state across the batches of a {@link #generate} call. */
    private record Run(ScheduleSession session, Generation[] out, DecodeProfile.Builder profile) {
        Run(ScheduleSession session, Generation[] out) {
            this(session, out, new DecodeProfile.Builder());
        }
    }

    /** Decodes one batch for every run, sharing the prefill among runs that prefill it at the same precisions. */
    private void decodeBatch(List<int[]> prompts, int[] batch, int maxNew, int eosId, List<Run> runs) {
        Map<List<Precision>, List<Run>> byPrefill = new LinkedHashMap<>();
        for (Run run : runs) {
            Precision[] prefill = new Precision[batch.length];
            for (int r = 0; r < batch.length; r++) {
                prefill[r] = run.session().prefill(batch[r]);
            }
            byPrefill.computeIfAbsent(List.of(prefill), k -> new ArrayList<>()).add(run);
        }
        int width = 0;
        for (int p : batch) {
            width = Math.max(width, prompts.get(p).length);
        }
        LlamaConfig config = model.config();
        // The last generated token is never fed back, so a row needs width + maxNew - 1 positions at most.
        int capacity = width + maxNew - 1;
        for (Map.Entry<List<Precision>, List<Run>> group : byPrefill.entrySet()) {
            List<Run> sharing = group.getValue();
            boolean confidence = sharing.stream().anyMatch(r -> r.session().observesConfidence());
            try (NDManager m = model.manager().newSubManager();
                    KvCache cache = KvCache.preallocated(m, config.numLayers(), batch.length, config.numKvHeads(),
                            capacity, config.headDim())) {
                DecodeProfile.Builder shared = new DecodeProfile.Builder();
                long started = System.nanoTime();
                Pass pass = prefill(m, prompts, batch, width, cache, group.getKey().toArray(new Precision[0]),
                        confidence, shared);
                shared.prefill(System.nanoTime() - started);
                for (int i = 0; i < sharing.size(); i++) {
                    Run run = sharing.get(i);
                    // The last run may consume the prefilled cache; the others decode from copies.
                    try (KvCache own = i == sharing.size() - 1 ? null : cache.copy()) {
                        KvCache c = own == null ? cache : own;
                        // Each sharing run is charged an equal part of the prefill's time, and all of its tokens.
                        run.profile().addPrefill(shared, sharing.size());
                        if (run.session().observesCache()) {
                            reportLastLayer(run.session(), prompts, batch, width, c);
                        }
                        List<Generation> gens = decodeSteps(m, prompts, batch, width, maxNew, eosId, c, pass,
                                group.getKey().toArray(new Precision[0]), run);
                        for (int b = 0; b < batch.length; b++) {
                            run.out()[batch[b]] = gens.get(b);
                        }
                    }
                }
            }
        }
    }

    /** The decode steps of one run after the prefill {@code pass}, until every row has finished. */
    private List<Generation> decodeSteps(NDManager m, List<int[]> prompts, int[] batch, int width, int maxNew,
            int eosId, KvCache cache, Pass pass, Precision[] prefill, Run run) {
        ScheduleSession plan = run.session();
        DecodeProfile.Builder profile = run.profile();
        int rows = batch.length;
        int capacity = width + maxNew - 1;
        List<List<Integer>> generated = new ArrayList<>();
        List<List<Precision>> traces = new ArrayList<>();
        boolean[] eos = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            generated.add(new ArrayList<>());
            traces.add(new ArrayList<>());
        }
        float[] keyBias = new float[rows * capacity];
        for (int r = 0; r < rows; r++) {
            int pad = width - prompts.get(batch[r]).length;
            Arrays.fill(keyBias, r * capacity, r * capacity + pad, LlamaGraph.MASKED);
        }
        NDArray bias = m.create(keyBias, new Shape(rows, capacity));
        int[] active = IntStream.range(0, rows).toArray();
        long[] next = pass.tokens();
        float[] top = pass.topProbabilities();
        Precision[] current = prefill;
        for (int step = 1; ; step++) {
            // Record the tokens this pass produced; a row that is done leaves the batch.
            int kept = 0;
            int[] keep = new int[active.length];
            for (int a = 0; a < active.length; a++) {
                int r = active[a];
                traces.get(r).add(current[a]);
                if (plan.observesConfidence()) {
                    plan.afterStep(batch[r], step - 1, top[a]);
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
            Pass stepPass;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray visible = bias.get(new NDIndex(":, :{}", cache.length() + 1));
                stepPass = forward(m.create(next, new Shape(active.length, 1)),
                        m.create(position, new Shape(active.length, 1)), visible, cache, RowPrecisions.of(current),
                        plan.observesConfidence());
            }
            next = stepPass.tokens();
            top = stepPass.topProbabilities();
            profile.decodeStep(System.nanoTime() - stepStarted, active.length);
        }
        bias.close();
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
        NDArray hidden = LlamaGraph.hiddenInference(model, ids, positions, bias, cache, rows);
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
