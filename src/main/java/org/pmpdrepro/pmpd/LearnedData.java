package org.pmpdrepro.pmpd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.decode.DecodeObserver;
import org.pmpdrepro.decode.DecodeResult;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.GreedyDecoder;
import org.pmpdrepro.decode.LayerKv;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.io.TextDocuments;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned scheduler's training data, task-agnostic as in the paper: prompts cut from held-out calibration text
 * and the tasks' calibration prompts; the full-precision model continues each; the quantized model decodes one branch
 * per candidate switch point (high-precision prefill); the label is the smallest switch point whose Rouge-L against
 * the full-precision continuation, rounded to three decimals as the authors' code does, is at least that of never
 * switching (else class 3). The features are the last-layer cache of the high-precision prefill. A prompt's
 * candidates are {@code [0, N/3, 2N/3, N]} of its own {@code N}: the text prompts' configured length, a task prompt's
 * task limit (what the scheduler meets on that task).
 */
public final class LearnedData {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedData.class);

    /**
     * @param prompts calibration texts used, from the start of the file
     * @param maxPromptTokens a prompt is the first half of a text's tokens, at most this many (and at least 8)
     * @param newTokens {@code N}: tokens each branch of a text prompt generates
     */
    public record Config(int prompts, int maxPromptTokens, int newTokens, int batchSize) {
        public Config {
            if (prompts < 0 || maxPromptTokens < 8 || newTokens < 3 || batchSize < 1) {
                throw new IllegalArgumentException("learned data: " + prompts + " prompts, prompt cap "
                        + maxPromptTokens + ", " + newTokens + " new tokens, batch " + batchSize
                        + "; expected >= 0 prompts, cap >= 8, >= 3 new tokens, batch >= 1");
            }
        }

        public static Config defaults() {
            return new Config(1024, 48, 24, 32);
        }
    }

    /**
     * A prompt and how its branches are decoded and compared.
     *
     * @param newTokens {@code N} of its branches
     * @param firstLineOnly whether continuations are compared as a task scores them ({@link TaskRun#postProcess})
     */
    public record Prompt(String id, int[] tokens, int newTokens, boolean firstLineOnly) {}

    private LearnedData() {}

    /** Prompts from {@code calibration-text.jsonl} lines {@code {"id", "text"}}; texts under 16 tokens are skipped. */
    public static List<Prompt> prompts(Path calibrationText, ProjectTokenizer tokenizer, Config config) {
        List<Prompt> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(calibrationText, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size() && out.size() < config.prompts(); i++) {
                TextDocuments.Document doc;
                try {
                    doc = TextDocuments.parse(lines.get(i), calibrationText, i + 1);
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                if (doc.id() == null) {
                    throw new IllegalArgumentException(calibrationText + ":" + (i + 1)
                            + ": field 'id' is missing; expected the document's id");
                }
                int[] tokens = tokenizer.encode(doc.text());
                if (tokens.length < 16) {
                    continue;
                }
                int len = Math.min(config.maxPromptTokens(), Math.max(8, tokens.length / 2));
                int[] prompt = new int[len + 1];
                prompt[0] = tokenizer.bosId();
                System.arraycopy(tokens, 0, prompt, 1, len);
                out.add(new Prompt(doc.id(), prompt, config.newTokens(), false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read calibration text " + calibrationText, e);
        }
        return out;
    }

    /** The tasks' calibration examples as prompts, tokenised as {@link TaskRun} does, with their task's {@code N}. */
    public static List<Prompt> taskPrompts(List<TaskExample> examples, ProjectTokenizer tokenizer) {
        List<Prompt> out = new ArrayList<>();
        for (TaskExample e : examples) {
            if (e.split() != Split.CALIBRATION) {
                throw new IllegalArgumentException("learned data: example " + e.id() + " is from the "
                        + e.split().id() + " split; expected calibration (the test split stays unseen)");
            }
            out.add(new Prompt(e.task().id() + ":" + e.id(), TaskRun.promptTokens(tokenizer, e.prompt()),
                    e.task().maxNewTokens(), true));
        }
        return out;
    }

    /** Labelled features per precision pair, in prompt order. */
    public static Map<PrecisionPair, List<LabelledFeatures>> build(DjlLlama model, ProjectTokenizer tokenizer,
            List<Prompt> prompts, List<PrecisionPair> pairs, int batchSize) {
        GreedyDecoder decoder = new GreedyDecoder(model, batchSize, tokenizer.padId());
        // Prompts of one N are decoded together; the groups keep prompt order.
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            groups.computeIfAbsent(prompts.get(i).newTokens(), n -> new ArrayList<>()).add(i);
        }
        Progress progress = Progress.of(LOG, "learned data", groups.size() * (1 + pairs.size() * SwitchPoints.CLASSES),
                "decodes");
        LabelledFeatures[][] out = new LabelledFeatures[pairs.size()][prompts.size()];
        Rouge rouge = Rouge.of(RougeType.ROUGE_L, true);
        for (Map.Entry<Integer, List<Integer>> group : groups.entrySet()) {
            int n = group.getKey();
            List<Prompt> members = group.getValue().stream().map(prompts::get).toList();
            List<int[]> ids = members.stream().map(Prompt::tokens).toList();
            List<String> reference = texts(tokenizer, members,
                    decoder.generate(ids, n, tokenizer.eosId(), PrecisionPlan.fixed(Precision.FULL)));
            progress.advance(1);
            int[] candidates = SwitchPoints.candidates(n);
            for (int p = 0; p < pairs.size(); p++) {
                PrecisionPair pair = pairs.get(p);
                double[][] scores = new double[members.size()][SwitchPoints.CLASSES];
                CacheFeatures[] features = new CacheFeatures[members.size()];
                // Never switching first: it also records the high-precision prefill's cache.
                for (int k = SwitchPoints.CLASSES - 1; k >= 0; k--) {
                    PrecisionPlan plan = ProgressivePlan.uniform(pair, candidates[k]);
                    DecodeResult branch = decoder.generate(ids, n, tokenizer.eosId(),
                            k == SwitchPoints.CLASSES - 1 ? ObservedPlan.of(plan, new DecodeObserver() {
                                @Override
                                public boolean observesCache() {
                                    return true;
                                }

                                @Override
                                public void afterPrefill(int prompt, LayerKv lastLayer) {
                                    features[prompt] = CacheFeatures.of(lastLayer);
                                }
                            }) : plan);
                    List<String> texts = texts(tokenizer, members, branch);
                    for (int i = 0; i < members.size(); i++) {
                        scores[i][k] = rouge.score(reference.get(i), texts.get(i)).fmeasure();
                    }
                    progress.advance(1);
                }
                for (int i = 0; i < members.size(); i++) {
                    out[p][group.getValue().get(i)] = new LabelledFeatures(members.get(i).id(), features[i],
                            label(scores[i]));
                }
            }
        }
        Map<PrecisionPair, List<LabelledFeatures>> byPair = new LinkedHashMap<>();
        for (int p = 0; p < pairs.size(); p++) {
            List<LabelledFeatures> labelled = List.of(out[p]);
            LOG.info("learned data {}: label counts {}", pairs.get(p), Arrays.toString(counts(labelled)));
            byPair.put(pairs.get(p), labelled);
        }
        return byPair;
    }

    /**
     * The smallest class whose Rouge-L reaches never switching's (the last class), both rounded to three decimals
     * as in the authors' code; the last class otherwise.
     */
    public static int label(double[] rougeByClass) {
        double never = round3(rougeByClass[rougeByClass.length - 1]);
        for (int k = 0; k < rougeByClass.length - 1; k++) {
            if (round3(rougeByClass[k]) >= never) {
                return k;
            }
        }
        return rougeByClass.length - 1;
    }

    /** How many examples carry each class. */
    public static int[] counts(List<LabelledFeatures> examples) {
        int[] c = new int[SwitchPoints.CLASSES];
        examples.forEach(e -> c[e.label()]++);
        return c;
    }

    private static double round3(double x) {
        return Math.round(x * 1000.0) / 1000.0;
    }

    private static List<String> texts(ProjectTokenizer tokenizer, List<Prompt> prompts, DecodeResult r) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String text = tokenizer.decode(r.generations().get(i).tokens());
            out.add(prompts.get(i).firstLineOnly() ? TaskRun.postProcess(text) : text.strip());
        }
        return out;
    }
}
