package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.decode.ScheduleSession;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned scheduler's training data, task-agnostic as in the paper: prompts cut from held-out calibration text;
 * the full-precision model continues each; the quantized model decodes one branch per candidate switch point
 * (high-precision prefill); the label is the smallest switch point whose Rouge-L against the full-precision
 * continuation is at least that of never switching (else class 3). The features are the last-layer cache of the
 * high-precision prefill.
 */
public final class LearnedData {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedData.class);

    /**
     * @param prompts calibration texts used, from the start of the file
     * @param maxPromptTokens a prompt is the first half of a text's tokens, at most this many (and at least 8)
     * @param newTokens {@code N}: tokens each branch generates
     */
    public record Config(int prompts, int maxPromptTokens, int newTokens, int batchSize) {
        public Config {
            if (prompts < 1 || maxPromptTokens < 8 || newTokens < 3 || batchSize < 1) {
                throw new IllegalArgumentException("learned data: " + prompts + " prompts, prompt cap "
                        + maxPromptTokens + ", " + newTokens + " new tokens, batch " + batchSize
                        + "; expected >= 1 prompt, cap >= 8, >= 3 new tokens, batch >= 1");
            }
        }

        public static Config defaults() {
            return new Config(384, 48, 32, 32);
        }
    }

    /** A prompt cut from one calibration text. */
    public record Prompt(String id, int[] tokens) {}

    private LearnedData() {}

    /** Prompts from {@code calibration-text.jsonl} lines {@code {"id", "text"}}; texts under 16 tokens are skipped. */
    public static List<Prompt> prompts(Path calibrationText, ProjectTokenizer tokenizer, Config config) {
        List<Prompt> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(calibrationText, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size() && out.size() < config.prompts(); i++) {
                JsonNode node;
                try {
                    node = Json.readLine(lines.get(i), calibrationText, i + 1);
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                if (!node.hasNonNull("id") || !node.hasNonNull("text")) {
                    throw new IllegalArgumentException(calibrationText + " line " + (i + 1)
                            + ": expected an object with 'id' and 'text'");
                }
                int[] tokens = tokenizer.encode(node.get("text").asText());
                if (tokens.length < 16) {
                    continue;
                }
                int len = Math.min(config.maxPromptTokens(), Math.max(8, tokens.length / 2));
                int[] prompt = new int[len + 1];
                prompt[0] = tokenizer.bosId();
                System.arraycopy(tokens, 0, prompt, 1, len);
                out.add(new Prompt(node.get("id").asText(), prompt));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read calibration text " + calibrationText, e);
        }
        return out;
    }

    /** Labelled features per precision pair, in prompt order. */
    public static Map<PrecisionPair, List<LabelledFeatures>> build(DjlLlama model, ProjectTokenizer tokenizer,
            List<Prompt> prompts, List<PrecisionPair> pairs, Config config) {
        List<int[]> ids = prompts.stream().map(Prompt::tokens).toList();
        GreedyDecoder decoder = new GreedyDecoder(model, config.batchSize(), tokenizer.padId());
        int n = config.newTokens();
        long start = System.nanoTime();
        int total = 1 + pairs.size() * SwitchPoints.CLASSES;
        DecodeResult full = decoder.generate(ids, n, tokenizer.eosId(), PrecisionPlan.fixed(Precision.FULL));
        List<String> reference = texts(tokenizer, full);
        progress(1, total, start);
        Rouge rouge = Rouge.of(RougeType.ROUGE_L, true);
        Map<PrecisionPair, List<LabelledFeatures>> out = new LinkedHashMap<>();
        int done = 1;
        int[] candidates = SwitchPoints.candidates(n);
        for (PrecisionPair pair : pairs) {
            double[][] scores = new double[prompts.size()][SwitchPoints.CLASSES];
            CacheFeatures[] features = new CacheFeatures[prompts.size()];
            // Never switching first: its session also records the high-precision prefill's cache.
            for (int k = SwitchPoints.CLASSES - 1; k >= 0; k--) {
                PrecisionPlan plan = ProgressivePlan.uniform(pair, candidates[k]);
                DecodeResult branch = decoder.generate(ids, n, tokenizer.eosId(),
                        k == SwitchPoints.CLASSES - 1 ? recording(plan, features) : plan);
                List<String> texts = texts(tokenizer, branch);
                for (int i = 0; i < prompts.size(); i++) {
                    scores[i][k] = rouge.score(reference.get(i), texts.get(i)).fmeasure();
                }
                progress(++done, total, start);
            }
            List<LabelledFeatures> labelled = new ArrayList<>();
            int[] counts = new int[SwitchPoints.CLASSES];
            for (int i = 0; i < prompts.size(); i++) {
                int label = label(scores[i]);
                counts[label]++;
                labelled.add(new LabelledFeatures(prompts.get(i).id(), features[i], label));
            }
            LOG.info("learned data {}: label counts {}", pair, Arrays.toString(counts));
            out.put(pair, List.copyOf(labelled));
        }
        return out;
    }

    /** The smallest class whose Rouge-L reaches never switching's (the last class); the last class otherwise. */
    public static int label(double[] rougeByClass) {
        double never = rougeByClass[rougeByClass.length - 1];
        for (int k = 0; k < rougeByClass.length - 1; k++) {
            if (rougeByClass[k] >= never) {
                return k;
            }
        }
        return rougeByClass.length - 1;
    }

    private static List<String> texts(ProjectTokenizer tokenizer, DecodeResult r) {
        return r.generations().stream().map(g -> tokenizer.decode(g.tokens()).strip()).toList();
    }

    private static PrecisionPlan recording(PrecisionPlan plan, CacheFeatures[] into) {
        return new PrecisionPlan() {
            @Override
            public Precision prefill(int prompt) {
                return plan.prefill(prompt);
            }

            @Override
            public Precision decode(int prompt, int step) {
                return plan.decode(prompt, step);
            }

            @Override
            public ScheduleSession start() {
                ScheduleSession inner = plan.start();
                return new ScheduleSession() {
                    @Override
                    public Precision prefill(int prompt) {
                        return inner.prefill(prompt);
                    }

                    @Override
                    public Precision decode(int prompt, int step) {
                        return inner.decode(prompt, step);
                    }

                    @Override
                    public boolean observesCache() {
                        return true;
                    }

                    @Override
                    public void afterPrefill(int prompt, LayerKv lastLayer) {
                        into[prompt] = CacheFeatures.of(lastLayer);
                    }
                };
            }
        };
    }

    private static void progress(int done, int total, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        LOG.info(String.format(Locale.ROOT, "learned data: decode %d/%d done after %.0f s, ETA %.0f s", done, total,
                elapsed, elapsed / done * (total - done)));
    }
}
