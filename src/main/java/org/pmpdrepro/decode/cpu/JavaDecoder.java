package org.pmpdrepro.decode.cpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pmpdrepro.decode.DecodeProfile;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.Decoder;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.NonFiniteLogitsException;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy decoding on the {@link JavaLlama} engine, one prompt at a time (batch 1, as a decode step on a CPU is bound
 * by reading the weights): the prompt is fed token by token at its prefill precision, each through the kernels the
 * decode steps use (no dense copy of any quantized matrix is made), then every step at the precision its schedule
 * asks for.
 *
 * <p>The schedule sees what {@code decode.GreedyDecoder} shows it, in the same order for each prompt: the prefill's
 * precision is asked first, the last layer's cache is handed over after the prefill when the session observes it,
 * every pass's top probability when it observes confidence, then {@code decode(prompt, s)} for each step. The
 * results have the same form: tokens without end-of-sequence, the precision of each pass that produced a token.
 */
public final class JavaDecoder implements Decoder {

    private static final Logger LOG = LoggerFactory.getLogger(JavaDecoder.class);

    /** At most one progress line per this many nanoseconds (a batch-1 decode of a large model takes minutes). */
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

    private final JavaLlama model;
    private final String engine;

    public JavaDecoder(JavaLlama model) {
        this(model, "java");
    }

    /** {@code engine}: how results name the engine ({@code java}, {@code java-int16}). */
    public JavaDecoder(JavaLlama model, String engine) {
        this.model = model;
        this.engine = engine;
    }

    /** Each plan decoded on its own (the engine shares no prefill between plans). */
    @Override
    public List<DecodeResult> generate(List<int[]> prompts, int maxNewTokens, int eosId, List<PrecisionPlan> plans) {
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("no plan to decode with");
        }
        List<DecodeResult> out = new ArrayList<>();
        for (PrecisionPlan plan : plans) {
            out.add(generate(prompts, maxNewTokens, eosId, plan));
        }
        return out;
    }

    @Override
    public int maxPositions() {
        return model.config().maxPositionEmbeddings();
    }

    /** Greedy continuations of {@code prompts}, at most {@code maxNewTokens} each, in prompt order. */
    public DecodeResult generate(List<int[]> prompts, int maxNewTokens, int eosId, PrecisionPlan plan) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + ": expected at least 1");
        }
        GreedyDecoder.requireFits(prompts, maxNewTokens, model.config().maxPositionEmbeddings());
        ScheduleSession session = plan.start();
        DecodeProfile.Builder profile = new DecodeProfile.Builder();
        List<Generation> out = new ArrayList<>();
        long tokens = 0;
        Progress progress = Progress.of(LOG, "java engine", prompts.size(), "prompts").every(PROGRESS_INTERVAL);
        for (int i = 0; i < prompts.size(); i++) {
            Generation g = generateOne(i, prompts.get(i), maxNewTokens, eosId, session, profile);
            tokens += g.trace().size();
            out.add(g);
            long sofar = tokens;
            progress.advance(1, () -> sofar + " tokens");
        }
        DecodeProfile p = profile.build();
        return new DecodeResult(out, engine + " cpu (" + model.threads() + " threads, batch 1)", tokens,
                p.prefillSeconds() + p.decodeSeconds(), p);
    }

    private Generation generateOne(int prompt, int[] tokens, int maxNew, int eosId, ScheduleSession session,
            DecodeProfile.Builder profile) {
        // The last generated token is never fed back.
        JavaLlama.Sequence seq = model.newSequence(tokens.length + maxNew - 1);
        Precision current = session.prefill(prompt);
        long started = System.nanoTime();
        float[] logits = null;
        for (int token : tokens) {
            logits = seq.step(token, current);
        }
        profile.prefill(System.nanoTime() - started);
        profile.promptTokens(tokens.length);
        profile.paddedPromptTokens(tokens.length);
        if (session.observesCache()) {
            session.afterPrefill(prompt, seq.lastLayer());
        }
        List<Integer> generated = new ArrayList<>();
        List<Precision> trace = new ArrayList<>();
        boolean eos = false;
        for (int step = 1; ; step++) {
            int next = argmax(logits, prompt);
            trace.add(current);
            if (session.observesConfidence()) {
                session.afterStep(prompt, step - 1, topProbability(logits, next));
            }
            if (next == eosId) {
                eos = true;
                break;
            }
            generated.add(next);
            if (generated.size() == maxNew) {
                break;
            }
            long stepStarted = System.nanoTime();
            current = session.decode(prompt, step);
            logits = seq.step(next, current);
            profile.decodeStep(System.nanoTime() - stepStarted, 1);
        }
        return new Generation(generated.stream().mapToInt(Integer::intValue).toArray(), trace, eos);
    }

    /** The first index of the largest logit; a non-finite maximum (or any NaN) is an error naming the prompt. */
    public static int argmax(float[] logits, int prompt) {
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new NonFiniteLogitsException("the logits of prompt " + prompt + " hold NaN at " + i
                        + "; the weights or their quantized form produce NaN or infinity");
            }
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (!Float.isFinite(logits[best])) {
            throw new NonFiniteLogitsException("the logits of prompt " + prompt + " are non-finite (maximum "
                    + logits[best] + "); the weights or their quantized form produce NaN or infinity");
        }
        return best;
    }

    /** The softmax probability of {@code best}, the largest logit. */
    static double topProbability(float[] logits, int best) {
        double max = logits[best];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return 1.0 / sum;
    }
}
