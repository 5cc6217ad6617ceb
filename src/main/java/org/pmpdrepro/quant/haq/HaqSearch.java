package org.pmpdrepro.quant.haq;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.MatrixCost;
import org.pmpdrepro.quant.QuantizedWeightProvider;

/**
 * HAQ's search, weight-only and post-training: each episode the agent walks the matrices in forward order and
 * proposes a width for each; the policy is lowered until it reads no more bytes than Any-Precision at the search's
 * nominal width ({@link ByteBudget}); the model is
 * quantized with it (from the {@link MatrixCache}) and its calibration perplexity gives the reward
 * {@code -(log ppl - log ppl_full)}; then the agent learns. The best-rewarded policy is the result.
 *
 * <p>Every episode ends with a checkpoint of the whole search state (agent, random generator, log), so a run that
 * is stopped resumes where it was and ends exactly as an uninterrupted one.
 */
public final class HaqSearch {

    /** Name of the transient policy each episode evaluates. */
    static final String EPISODE_POLICY = "haq-episode";

    private final LlamaConfig config;
    private final MatrixCache cache;
    private final Function<String, Tensor> weights;
    private final List<int[]> calibration;
    private final Device device;
    private final int batchSize;
    private final LayerEmbedding embedding;
    private double fullPrecisionNll = Double.NaN;

    /**
     * A search over {@code model}'s matrices quantized with {@code scheme}, scored on {@code calibration}
     * (sequences of 2 or more tokens) on {@code device}, {@code batchSize} sequences per forward pass, with the
     * quantized matrices held on the heap.
     */
    public HaqSearch(WeightSource model, QuantScheme scheme, List<int[]> calibration, Device device, int batchSize) {
        this(model, scheme, calibration, device, batchSize, null);
    }

    /**
     * The same search with every quantized matrix kept in a file under {@code spill} (an existing directory; the
     * caller removes it) instead of on the heap: what a search of a real checkpoint needs ({@link MatrixCache}).
     */
    public HaqSearch(WeightSource model, QuantScheme scheme, List<int[]> calibration, Device device, int batchSize,
            Path spill) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("haq search: no calibration sequences");
        }
        this.config = model.config();
        this.cache = new MatrixCache(model, scheme, spill);
        Map<String, Tensor> loaded = new HashMap<>();
        Function<String, Tensor> reading = DjlLlama.reading(model);
        Set<String> linear = new HashSet<>();
        LinearId.all(config).forEach(id -> linear.add(id.weightName()));
        // Episodes rebuild the model many times: embeddings and norms are read from disk once. The linear weights
        // in full precision only the unquantized model reads, once; kept, they would hold a copy of the whole model.
        this.weights = name -> linear.contains(name) ? reading.apply(name) : loaded.computeIfAbsent(name, reading);
        this.calibration = List.copyOf(calibration);
        this.device = device;
        this.batchSize = batchSize;
        this.embedding = new LayerEmbedding(config);
    }

    public LlamaConfig config() {
        return config;
    }

    /** Calibration perplexity of the unquantized model. */
    public synchronized double fullPrecisionPerplexity() {
        if (Double.isNaN(fullPrecisionNll)) {
            try (DjlLlama model = DjlLlama.dense(config, weights, device)) {
                fullPrecisionNll = Perplexity.of(model, calibration, Precision.FULL, batchSize).meanNll();
            }
        }
        return Math.exp(fullPrecisionNll);
    }

    /** Calibration perplexity result of {@code policy} served through the quantized provider. */
    public Perplexity.Result evaluate(BitPolicy policy) {
        HaqModel quantized = cache.model(Map.of(policy.name(), policy));
        try (DjlLlama model = DjlLlama.withProvider(config, weights, device,
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, quantized))) {
            return Perplexity.of(model, calibration, policy.precision(config), batchSize);
        }
    }

    /** The storage cost of the matrices in forward order, with the scheme's tables. */
    List<MatrixCost> costs() {
        return embedding.matrices().stream().map(id -> {
            int[] shape = id.shape(config);
            return (MatrixCost) new SchemeCost(shape[0], shape[1], cache.scheme());
        }).toList();
    }

    /** The budget of {@code search}: Any-Precision's bytes at its nominal width, over this model's matrices. */
    public ByteBudget budget(SearchConfig search) {
        return new ByteBudget(ByteBudget.anyPrecisionBytes(config, search.nominalBits()), costs(), search.minBits());
    }

    /** The policy giving matrix {@code i} (forward order) the width {@code bits[i]}. */
    BitPolicy policy(String name, int[] bits) {
        Map<LinearId, Integer> map = new HashMap<>();
        for (int i = 0; i < bits.length; i++) {
            map.put(embedding.matrices().get(i), bits[i]);
        }
        return BitPolicy.of(name, map);
    }

    /**
     * Runs (or resumes from {@code checkpoint}, when it holds this very search) the search {@code search}, reporting
     * progress to {@code progress}; {@code checkpoint} null keeps no checkpoint.
     */
    public SearchResult run(SearchConfig search, Path checkpoint, Consumer<String> progress) {
        fullPrecisionPerplexity();
        ByteBudget budget = budget(search);
        String key = search.key() + "|" + cache.scheme() + "|" + config + "|" + calibrationKey();
        SearchState state = checkpoint == null ? null : SearchState.load(checkpoint, key, progress);
        if (state == null) {
            Random random = new Random(search.seed());
            state = new SearchState(key, random, new DdpgAgent(LayerEmbedding.SIZE, search.agent(), random));
        }
        Progress episodes = Progress.of(progress, search.policyName(), search.episodes(), "episodes")
                .resumingAt(state.log.size());
        while (state.log.size() < search.episodes()) {
            state.log.add(episode(search, budget, state, state.log.size()));
            if (checkpoint != null) {
                state.save(checkpoint);
            }
            SearchState now = state;
            episodes.advanceTo(state.log.size(), () -> episodeLine(now));
        }
        EpisodeRecord best = state.best();
        int[] bits = best.bits().stream().mapToInt(Integer::intValue).toArray();
        return new SearchResult(policy(search.policyName(), bits), budget.budgetBytes(), budget.bytes(bits),
                best.episode(), best.reward(), best.perplexity(), Math.exp(fullPrecisionNll), state.log);
    }

    private EpisodeRecord episode(SearchConfig search, ByteBudget budget, SearchState state, int ep) {
        DdpgAgent agent = state.agent;
        int n = embedding.size();
        double[][] states = new double[n][];
        double[] actions = new double[n];
        int[] proposed = new int[n];
        double previous = 0;
        for (int i = 0; i < n; i++) {
            states[i] = embedding.state(i, previous);
            actions[i] = agent.act(states[i], ep, state.random);
            proposed[i] = search.bitsFor(actions[i]);
            previous = actions[i];
        }
        int[] bits = budget.enforce(proposed);
        Perplexity.Result scored = evaluate(policy(EPISODE_POLICY, bits));
        double reward = -(scored.meanNll() - fullPrecisionNll);
        // As in the original, every step of the episode is stored with the episode's final reward.
        for (int i = 0; i < n; i++) {
            boolean last = i == n - 1;
            agent.observe(new DdpgAgent.Transition(states[i], actions[i], reward, last ? states[i] : states[i + 1],
                    last));
        }
        if (!agent.warmingUp(ep)) {
            for (int i = 0; i < n; i++) {
                agent.update(state.random);
            }
        }
        List<Integer> kept = new ArrayList<>(n);
        for (int b : bits) {
            kept.add(b);
        }
        return new EpisodeRecord(ep, agent.warmingUp(ep), agent.warmingUp(ep) ? 0 : agent.noise(ep), reward,
                scored.meanNll(), scored.perplexity(), budget.averageBits(proposed), budget.averageBits(bits),
                budget.bytes(bits), kept);
    }

    private String calibrationKey() {
        return SearchCalibration.sha256(calibration);
    }

    private static String episodeLine(SearchState state) {
        EpisodeRecord last = state.log.get(state.log.size() - 1);
        EpisodeRecord best = state.best();
        return String.format(Locale.ROOT,
                "episode %d%s: reward %.4f, ppl %.3f, avg bits %.3f (proposed %.3f), %,d bytes; best %.4f at episode %d",
                last.episode() + 1, last.warmup() ? " (warm-up)" : "", last.reward(), last.perplexity(),
                last.averageBits(), last.proposedAverageBits(), last.bytes(), best.reward(), best.episode());
    }
}
