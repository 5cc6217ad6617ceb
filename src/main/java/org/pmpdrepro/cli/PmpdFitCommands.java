package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.pmpd.BackboneIdentity;
import org.pmpdrepro.pmpd.BaselineCalibration;
import org.pmpdrepro.pmpd.BaselineStore;
import org.pmpdrepro.pmpd.ClassifierTrainer;
import org.pmpdrepro.pmpd.LabelledFeatures;
import org.pmpdrepro.pmpd.LearnedData;
import org.pmpdrepro.pmpd.LearnedStore;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.QuantizedSession;
import org.pmpdrepro.pmpd.Schedulers;
import org.pmpdrepro.pmpd.StaticSearch;
import org.pmpdrepro.pmpd.StaticStore;
import org.pmpdrepro.pmpd.TableRun;
import org.pmpdrepro.quant.WeightTraffic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Fitting PMPD's schedulers on one back-bone: the static search per task (and the baselines matched to its bits)
 * and the learned classifier. Every file records the command, the back-bone's identity and the hashes of its
 * inputs.
 */
final class PmpdFitCommands {

    private PmpdFitCommands() {}

    /** Options both fitting commands share. */
    static final class FitOptions {
        @Mixin
        ModelOptions model;

        @Option(names = "--backbone", defaultValue = "any-precision",
                description = "The back-bone fitted on, as pmpd schedule run --backbone (default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--fixtures", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
        Path fixtures = TaskFixtures.DEFAULT_DIR;

        @Option(names = "--pairs", defaultValue = "4>3,3>2", description = "Comma-separated (default: ${DEFAULT-VALUE}).")
        String pairs;

        QuantizedSession open(CommandSpec spec) throws IOException {
            PmpdCommand.Common common = new PmpdCommand.Common();
            common.model = model;
            common.backbone = backbone;
            common.fixtures = fixtures;
            common.noBertScore = true;
            return common.open(spec);
        }

        /** Command, model, back-bone identity and the fixture manifest, for every fitted file. */
        Map<String, Object> provenance(CommandSpec spec, QuantizedSession session, String backboneSha) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("command", PmpdCommand.commandLine(spec));
            p.put("model_sha256", session.bundle().identity().sha256());
            p.put("backbone_sha256", backboneSha);
            p.put("fixtures_manifest_sha256", Provenance.manifestSha256(fixtures));
            return p;
        }

        /**
         * The precisions {@code pair} is decoded with on the session's back-bone, as the suite decodes it: the
         * uniform widths, or HAQ's policies under those budgets. The fits are filed under {@code pair}.
         */
        static PrecisionPair served(QuantizedSession session, PrecisionPair pair) {
            return new PrecisionPair(WeightTraffic.precision(session.quantized(), pair.high().uniformBits()),
                    WeightTraffic.precision(session.quantized(), pair.low().uniformBits()));
        }

        Map<String, Object> calibrationSplit(Task task) {
            return input(TaskFixtures.file(fixtures, task, Split.CALIBRATION));
        }
    }

    /** A file a fit read, as {@code {file, sha256}} (in that order, so rewritten cards are byte-identical). */
    static Map<String, Object> input(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString().replace('\\', '/'));
        m.put("sha256", Hashes.sha256Hex(file));
        return m;
    }

    @Command(name = "static-search", mixinStandardHelpOptions = true,
            description = "Grid-search the static switch point per task and pair on the calibration split by the"
                    + " task's headline metric; writes <back-bone>/<task>-<H>-<L>.json under --out. With"
                    + " --calibrate-baselines, also fits the random and confidence baselines to the chosen switch"
                    + " point's calibration bits (under --baselines-out).")
    static final class StaticSearchCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        FitOptions fit;

        @Option(names = "--tasks", defaultValue = "debsum,debchat,debtrans", description = "Comma-separated.")
        String tasks;

        @Option(names = "--grid-points", defaultValue = "4", description = "Evenly spaced points added to {0,N/3,2N/3,N}.")
        int gridPoints;

        @Option(names = "--tolerance-fraction", defaultValue = "0.10",
                description = "Allowed drop below never switching, as a fraction of the calibration high-low gap"
                        + " (default: ${DEFAULT-VALUE}).")
        double toleranceFraction;

        @Option(names = "--calibration-limit", defaultValue = "0",
                description = "Calibration examples per task (default: ${DEFAULT-VALUE}, all).")
        int limit;

        @Option(names = "--out", description = "Directory (default: ${DEFAULT-VALUE}).")
        Path out = StaticStore.DEFAULT_DIR;

        @Option(names = "--calibrate-baselines", description = "Also fit the bits-matched random and confidence"
                + " baselines (needs the back-bone's learned classifier card for the label prior).")
        boolean calibrateBaselines;

        @Option(names = "--learned-dir", description = "Learned classifiers, for the label prior (default: ${DEFAULT-VALUE}).")
        Path learnedDir = LearnedStore.DEFAULT_DIR;

        @Option(names = "--baselines-out", description = "Directory of the baseline fits (default: ${DEFAULT-VALUE}).")
        Path baselinesOut = BaselineStore.DEFAULT_DIR;

        @Option(names = "--seed", description = "Seed of the random baselines (default: ${DEFAULT-VALUE}).")
        long seed = Schedulers.DEFAULT_SEED;

        @Override
        public Integer call() throws IOException {
            StaticSearch.Config config;
            List<PrecisionPair> ps;
            List<Task> ts = new ArrayList<>();
            try {
                config = new StaticSearch.Config(gridPoints, toleranceFraction, limit);
                ps = TableRun.pairs(fit.pairs);
                for (String t : tasks.split(",")) {
                    ts.add(Task.fromId(t));
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            try (QuantizedSession session = fit.open(spec)) {
                String backbone = session.runner().backbone();
                String backboneSha = BackboneIdentity.sha256(session.quantized());
                for (PrecisionPair p : ps) {
                    for (Task t : ts) {
                        long start = System.nanoTime();
                        StaticSearch.Search search = StaticSearch.search(session.runner(),
                                TaskFixtures.load(fit.fixtures, t, Split.CALIBRATION), FitOptions.served(session, p),
                                p, config);
                        Map<String, Object> prov = fit.provenance(spec, session, backboneSha);
                        prov.put("calibration_split", fit.calibrationSplit(t));
                        Path f = StaticStore.save(out, search.outcome(), prov);
                        StaticSearch.Outcome o = search.outcome();
                        stdout.printf(Locale.ROOT, "%s %s %s: chosen s = %d (%.3f bits), %s gap %.4f, tolerance %.4f;"
                                + " %s -> %s (%.0f s)%n", backbone, t.id(), p, o.chosen(), o.chosenRow().averageBits(),
                                o.metric(), o.gap(), o.tolerance(), o.table(), f, (System.nanoTime() - start) / 1e9);
                        if (calibrateBaselines) {
                            start = System.nanoTime();
                            LearnedStore.Saved learned = LearnedStore.load(learnedDir, backbone, p);
                            BaselineCalibration.Fit b = BaselineCalibration.fit(session.runner(), search,
                                    learned.labelCounts(), seed);
                            Map<String, Object> bprov = fit.provenance(spec, session, backboneSha);
                            bprov.put("calibration_split", fit.calibrationSplit(t));
                            bprov.put("static_search", input(f));
                            bprov.put("label_prior_from", input(LearnedStore.card(learnedDir, backbone, p)));
                            Path bf = BaselineStore.save(baselinesOut, b, bprov);
                            stdout.printf(Locale.ROOT, "  baselines matched to %.4f bits: random-uniform %.4f,"
                                    + " random-label-prior %.4f, confidence %.4f (warm-up %d, z %.4f) -> %s (%.0f s)%n",
                                    b.targetBits(), b.uniform().calibrationBits(), b.labelPrior().calibrationBits(),
                                    b.confidence().calibrationBits(), b.confidence().warmup(), b.confidence().stds(),
                                    bf, (System.nanoTime() - start) / 1e9);
                        }
                        stdout.flush();
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "train-learned", mixinStandardHelpOptions = true,
            description = "Build the learned scheduler's data from calibration text and the tasks' calibration"
                    + " prompts (full-precision continuation, one branch per candidate switch point) and train one"
                    + " classifier per pair with class-balanced oversampling; writes weights, card and validation"
                    + " features under --out/<back-bone>/.")
    static final class TrainLearnedCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        FitOptions fit;

        @Option(names = "--calibration-text", description = "JSONL of {id, text} (default: ${DEFAULT-VALUE}).")
        Path calibrationText = TaskFixtures.DEFAULT_DIR.resolve("calibration-text.jsonl");

        @Option(names = "--prompts", defaultValue = "1024", description = "Calibration texts used (default: ${DEFAULT-VALUE}).")
        int prompts;

        @Option(names = "--task-prompts", defaultValue = "512",
                description = "Calibration prompts used per task, 0 for none (default: ${DEFAULT-VALUE}).")
        int taskPrompts;

        @Option(names = "--new-tokens", defaultValue = "24", description = "N of the text prompts' branches (default: ${DEFAULT-VALUE}).")
        int newTokens;

        @Option(names = "--epochs", defaultValue = "8", description = "Passes over the oversampled training set (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--pools", defaultValue = "2", description = "Query pools (MLP width = pools x head dim).")
        int pools;

        @Option(names = "--out", description = "Directory (default: ${DEFAULT-VALUE}).")
        Path out = LearnedStore.DEFAULT_DIR;

        @Option(names = "--validation-features", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Write the held-out features (validation-H-L.safetensors, about 1.8 MB per pair) so"
                        + " that the held-out accuracy can be re-measured from the weights; --no-validation-features"
                        + " where they would not be committed (default: ${DEFAULT-VALUE}).")
        boolean validationFeatures;

        @Override
        public Integer call() throws IOException {
            List<PrecisionPair> ps;
            LearnedData.Config dataConfig;
            ClassifierTrainer.Config trainConfig;
            try {
                ps = TableRun.pairs(fit.pairs);
                dataConfig = new LearnedData.Config(prompts, 48, newTokens, fit.model.batchSize);
                if (taskPrompts < 0) {
                    throw new IllegalArgumentException("--task-prompts " + taskPrompts + ": expected 0 or more");
                }
                ClassifierTrainer.Config d = ClassifierTrainer.Config.defaults();
                trainConfig = new ClassifierTrainer.Config(pools, pools, epochs, d.batch(), d.learningRate(),
                        d.weightDecay(), d.validationFraction(), d.seed());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            try (QuantizedSession session = fit.open(spec)) {
                String backbone = session.runner().backbone();
                String backboneSha = BackboneIdentity.sha256(session.quantized());
                List<LearnedData.Prompt> all = new ArrayList<>(LearnedData.prompts(calibrationText,
                        session.bundle().tokenizer(), dataConfig));
                int texts = all.size();
                Map<String, Object> splits = new LinkedHashMap<>();
                for (Task t : Task.values()) {
                    if (taskPrompts == 0) {
                        break;
                    }
                    List<org.pmpdrepro.data.TaskExample> ex = TaskFixtures.load(fit.fixtures, t, Split.CALIBRATION);
                    all.addAll(LearnedData.taskPrompts(ex.subList(0, Math.min(taskPrompts, ex.size())),
                            session.bundle().tokenizer()));
                    splits.put(t.id(), fit.calibrationSplit(t));
                }
                List<PrecisionPair> served = ps.stream().map(p -> FitOptions.served(session, p)).toList();
                Map<PrecisionPair, List<LabelledFeatures>> byServed = LearnedData.build(session.bundle().model(),
                        session.bundle().tokenizer(), all, served, fit.model.batchSize);
                Map<PrecisionPair, List<LabelledFeatures>> data = new LinkedHashMap<>();
                for (int i = 0; i < ps.size(); i++) {
                    data.put(ps.get(i), byServed.get(served.get(i)));
                }
                int headDim = session.bundle().config().headDim();
                for (PrecisionPair p : ps) {
                    ClassifierTrainer.Result r = ClassifierTrainer.train(data.get(p), headDim, trainConfig);
                    Map<String, Object> prov = fit.provenance(spec, session, backboneSha);
                    prov.put("calibration_text", input(calibrationText));
                    prov.put("calibration_splits", splits);
                    Map<String, Object> dataCard = new LinkedHashMap<>();
                    dataCard.put("text_prompts", texts);
                    dataCard.put("task_prompts", all.size() - texts);
                    dataCard.put("max_prompt_tokens", dataConfig.maxPromptTokens());
                    dataCard.put("text_new_tokens", dataConfig.newTokens());
                    dataCard.put("task_new_tokens", "the task's max new tokens");
                    dataCard.put("label", "smallest switch point whose Rouge-L against the full-precision"
                            + " continuation, rounded to 3 decimals, reaches never switching's");
                    dataCard.put("label_counts_all", LearnedData.counts(data.get(p)));
                    PrecisionPair sv = served.get(ps.indexOf(p));
                    if (!sv.equals(p)) {
                        dataCard.put("served_as", sv.high().label() + ">" + sv.low().label());
                    }
                    prov.put("data", dataCard);
                    LearnedStore.save(out, backbone, p, r, trainConfig, prov, validationFeatures);
                    stdout.printf(Locale.ROOT, "%s %s: %d examples, labels %s; train accuracy %.3f, held-out accuracy"
                            + " %.3f against %.3f for always predicting class %d (balanced accuracy %.3f, %d held out)"
                            + " -> %s%n", backbone, p, data.get(p).size(), Arrays.toString(LearnedData.counts(
                            data.get(p))), r.trainAccuracy(), r.validationAccuracy(), r.majorityRate(),
                            r.majorityClass(), r.validationBalancedAccuracy(), r.validation().size(),
                            LearnedStore.weights(out, backbone, p));
                }
                stdout.flush();
                return 0;
            }
        }
    }
}
