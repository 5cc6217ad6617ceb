package org.pmpdrepro.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Generation;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the project's decoder on the suite's jobs (a task's test split, greedy, the task's token limit) and, in the
 * same run, llama.cpp on the same prompt tokens; checks that both produce the same tokens.
 */
public final class DecodeBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(DecodeBenchmark.class);

    /** A task's prompts as the suite feeds them: beginning-of-sequence token, then the encoded prompt. */
    public record Job(Task task, List<int[]> prompts) {

        public static Job of(Task task, Path fixtures, ProjectTokenizer tokenizer, int limit) {
            List<TaskExample> examples = TaskFixtures.load(fixtures, task, Split.TEST);
            if (limit > 0 && limit < examples.size()) {
                examples = examples.subList(0, limit);
            }
            List<int[]> prompts = new ArrayList<>();
            for (TaskExample e : examples) {
                int[] encoded = tokenizer.encode(e.prompt());
                int[] p = new int[encoded.length + 1];
                p[0] = tokenizer.bosId();
                System.arraycopy(encoded, 0, p, 1, encoded.length);
                prompts.add(p);
            }
            return new Job(task, prompts);
        }

        public long promptTokens() {
            return prompts.stream().mapToLong(p -> p.length).sum();
        }
    }

    /** One timed decode of a job. */
    public record Measurement(String engine, Task task, String precision, int prompts, long promptTokens,
            long producedTokens, double seconds, double prefillSeconds, double decodeSeconds, double usefulFlops) {

        public double tokensPerSecond() {
            return producedTokens / seconds;
        }

        public double usefulGflopsPerSecond() {
            return usefulFlops / seconds / 1e9;
        }

        /** One CSV record (fields quoted where they hold commas), without the line end. */
        public String csv() {
            return CSVFormat.DEFAULT.format(engine, task.id(), precision, prompts, promptTokens, producedTokens,
                    f("%.4f", seconds), f("%.4f", prefillSeconds), f("%.4f", decodeSeconds),
                    f("%.1f", tokensPerSecond()), f("%.2f", usefulFlops / 1e9), f("%.2f", usefulGflopsPerSecond()));
        }

        private static String f(String format, double v) {
            return String.format(Locale.ROOT, format, v);
        }

        public static final String CSV_HEADER = "engine,task,precision,prompts,prompt_tokens,produced_tokens,seconds,"
                + "prefill_seconds,decode_seconds,tokens_per_s,useful_gflop,useful_gflop_per_s";
    }

    /** Where the project's and llama.cpp's tokens first differ on one prompt, and how close each decision was. */
    public record Divergence(int prompt, int position, int projectToken, int llamaToken, float projectMargin,
            float llamaMargin) {}

    private DecodeBenchmark() {}

    /**
     * Decodes {@code job} with {@code decoder} under {@code plan}, best of {@code repeats} runs (the tokens of every
     * run must agree: the decoder is deterministic).
     */
    public static Timed project(String engine, GreedyDecoder decoder, LlamaConfig config, Job job, int eos,
            PrecisionPlan plan, String precision, int repeats) {
        DecodeResult best = null;
        for (int r = 0; r < repeats; r++) {
            DecodeResult result = decoder.generate(job.prompts(), job.task().maxNewTokens(), eos, plan);
            if (best != null && !best.generations().equals(result.generations())) {
                throw new IllegalStateException(engine + " " + job.task().id() + ": run " + (r + 1)
                        + " decoded other tokens than run 1; the decoder is not deterministic");
            }
            if (best == null || result.seconds() < best.seconds()) {
                best = result;
            }
        }
        List<Integer> lengths = job.prompts().stream().map(p -> p.length).toList();
        List<Integer> produced = best.generations().stream().map(g -> g.trace().size()).toList();
        Measurement m = new Measurement(engine, job.task(), precision, job.prompts().size(), job.promptTokens(),
                best.generatedTokens(), best.seconds(), best.profile().prefillSeconds(),
                best.profile().decodeSeconds(), UsefulWork.flops(config, lengths, produced));
        LOG.info("{} {} {}: {} tokens in {} s ({} tokens/s, {} useful GFLOP/s; prefill {} s, decode {} s)", engine,
                job.task().id(), precision, m.producedTokens(), fmt(m.seconds()), fmt(m.tokensPerSecond()),
                fmt(m.usefulGflopsPerSecond()), fmt(m.prefillSeconds()), fmt(m.decodeSeconds()));
        return new Timed(m, best);
    }

    /** A measurement with the decode it timed. */
    public record Timed(Measurement measurement, DecodeResult result) {}

    /** llama.cpp on {@code job}, {@code batch} prompts at a time, best of {@code repeats} runs. */
    public static LlamaCpp.Run llamaCpp(LlamaCpp llama, Path gguf, Job job, int eos, int threads, int batch,
            int repeats, Path work) throws IOException, InterruptedException {
        LlamaCpp.Run best = null;
        for (int r = 0; r < repeats; r++) {
            LlamaCpp.Run run = llama.decode(gguf, job.prompts(), job.task().maxNewTokens(), eos, threads, batch,
                    work.resolve(job.task().id()));
            if (best == null || run.seconds() < best.seconds()) {
                best = run;
            }
        }
        return best;
    }

    /** llama.cpp's run as a measurement of the same kind as the project's. */
    public static Measurement measurement(LlamaConfig config, Job job, LlamaCpp.Run run, int threads, int batch) {
        List<Integer> lengths = job.prompts().stream().map(p -> p.length).toList();
        List<Integer> produced = new ArrayList<>();
        for (LlamaCpp.Continuation c : run.continuations()) {
            produced.add(c.margins().length);
        }
        return new Measurement("llama.cpp (" + threads + " threads, batch " + batch + ")", job.task(), "fp32",
                job.prompts().size(),
                job.promptTokens(), run.producedTokens(), run.seconds(), run.prefillSeconds(), run.decodeSeconds(),
                UsefulWork.flops(config, lengths, produced));
    }

    /**
     * Every prompt whose tokens differ between the project's full-precision decode and llama.cpp's, with the margin
     * of each engine's decision at the first differing position (the project's recomputed without a cache).
     */
    public static List<Divergence> compare(DjlLlama model, Job job, DecodeResult project, LlamaCpp.Run llama) {
        List<Divergence> out = new ArrayList<>();
        for (int i = 0; i < job.prompts().size(); i++) {
            Generation g = project.generations().get(i);
            LlamaCpp.Continuation c = llama.continuations().get(i);
            int[] ours = g.tokens();
            int[] theirs = c.tokens();
            if (Arrays.equals(ours, theirs) && g.stoppedAtEos() == (c.margins().length > theirs.length)) {
                continue;
            }
            int pos = 0;
            while (pos < ours.length && pos < theirs.length && ours[pos] == theirs[pos]) {
                pos++;
            }
            int eos = model.config().eosTokenId();
            int projectToken = pos < ours.length ? ours[pos] : eos;
            int llamaToken = pos < theirs.length ? theirs[pos] : eos;
            int[] prompt = job.prompts().get(i);
            int[] context = Arrays.copyOf(prompt, prompt.length + pos);
            System.arraycopy(ours, 0, context, prompt.length, pos);
            float[] logits = model.logits(context, Precision.FULL)[context.length - 1];
            out.add(new Divergence(i, pos, projectToken, llamaToken, logits[projectToken] - logits[llamaToken],
                    pos < c.margins().length ? c.margins()[pos] : Float.NaN));
        }
        return out;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
