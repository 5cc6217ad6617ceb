package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.pmpd.ClassifierTrainer;
import org.pmpdrepro.pmpd.LabelledFeatures;
import org.pmpdrepro.pmpd.LearnedData;
import org.pmpdrepro.pmpd.LearnedStore;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.QuantizedSession;
import org.pmpdrepro.pmpd.StaticSearch;
import org.pmpdrepro.pmpd.StaticStore;
import org.pmpdrepro.pmpd.TableRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Fitting PMPD's schedulers: the static search per task and the learned classifier. */
final class PmpdFitCommands {

    private PmpdFitCommands() {}

    @Command(name = "static-search", mixinStandardHelpOptions = true,
            description = "Grid-search the static switch point per task and pair on the calibration split; writes"
                    + " <task>-<H>-<L>.json (chosen s and the search table) under --out.")
    static final class StaticSearchCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Option(names = "--backbone", defaultValue = "any-precision", description = "A back-bone of pmpd run --backbone.")
        String backbone;

        @Option(names = "--fixtures", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
        Path fixtures = org.pmpdrepro.data.TaskFixtures.DEFAULT_DIR;

        @Option(names = "--tasks", defaultValue = "debsum,debchat,debtrans", description = "Comma-separated.")
        String tasks;

        @Option(names = "--pairs", defaultValue = "4>3,3>2", description = "Comma-separated.")
        String pairs;

        @Option(names = "--grid-points", defaultValue = "4", description = "Evenly spaced points added to {0,N/3,2N/3,N}.")
        int gridPoints;

        @Option(names = "--tolerance", defaultValue = "0.01", description = "Allowed Rouge-L drop (0-1 scale).")
        double tolerance;

        @Option(names = "--calibration-limit", defaultValue = "128", description = "Calibration examples per task (0: all).")
        int limit;

        @Option(names = "--out", description = "Directory (default: ${DEFAULT-VALUE}).")
        Path out = StaticStore.DEFAULT_DIR;

        @Override
        public Integer call() {
            StaticSearch.Config config;
            List<PrecisionPair> ps;
            List<Task> ts = new ArrayList<>();
            try {
                config = new StaticSearch.Config(gridPoints, tolerance, limit);
                ps = TableRun.pairs(pairs);
                for (String t : tasks.split(",")) {
                    ts.add(Task.fromId(t));
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            PmpdCommand.Common common = new PmpdCommand.Common();
            common.model = model;
            common.backbone = backbone;
            common.fixtures = fixtures;
            common.noBertScore = true;
            try (QuantizedSession session = common.open(spec)) {
                Map<String, Object> prov = common.provenance(session,
                        PmpdCommand.commandLine(spec));
                for (PrecisionPair p : ps) {
                    for (Task t : ts) {
                        StaticSearch.Outcome o = StaticSearch.search(session.runner(),
                                org.pmpdrepro.data.TaskFixtures.load(fixtures, t, Split.CALIBRATION), p, config);
                        Path f = StaticStore.save(out, o, prov);
                        stdout.printf(Locale.ROOT, "%s %s: chosen s = %d of %s -> %s%n", t.id(), p, o.chosen(),
                                o.table(), f);
                    }
                }
                stdout.flush();
                return 0;
            } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                return PmpdCommand.fail(spec, e);
            }
        }
    }

    @Command(name = "train-learned", mixinStandardHelpOptions = true,
            description = "Build the learned scheduler's data from calibration text (full-precision continuation,"
                    + " one branch per candidate switch point) and train one classifier per pair; writes weights,"
                    + " card and validation features under --out.")
    static final class TrainLearnedCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Option(names = "--backbone", defaultValue = "any-precision", description = "A back-bone of pmpd run --backbone.")
        String backbone;

        @Option(names = "--calibration-text", description = "JSONL of {id, text} (default: ${DEFAULT-VALUE}).")
        Path calibrationText = org.pmpdrepro.data.TaskFixtures.DEFAULT_DIR.resolve("calibration-text.jsonl");

        @Option(names = "--pairs", defaultValue = "4>3,3>2", description = "Comma-separated.")
        String pairs;

        @Option(names = "--prompts", defaultValue = "384", description = "Calibration texts used.")
        int prompts;

        @Option(names = "--new-tokens", defaultValue = "32", description = "N of the training branches.")
        int newTokens;

        @Option(names = "--steps", defaultValue = "600", description = "Optimiser steps.")
        int steps;

        @Option(names = "--pools", defaultValue = "2", description = "Query pools (MLP width = pools x head dim).")
        int pools;

        @Option(names = "--out", description = "Directory (default: ${DEFAULT-VALUE}).")
        Path out = LearnedStore.DEFAULT_DIR;

        @Override
        public Integer call() {
            List<PrecisionPair> ps;
            LearnedData.Config dataConfig;
            ClassifierTrainer.Config trainConfig;
            try {
                ps = TableRun.pairs(pairs);
                dataConfig = new LearnedData.Config(prompts, 48, newTokens, model.batchSize);
                ClassifierTrainer.Config d = ClassifierTrainer.Config.defaults();
                trainConfig = new ClassifierTrainer.Config(pools, pools, steps, d.batch(), d.learningRate(),
                        d.weightDecay(), d.validationFraction(), d.seed());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            PmpdCommand.Common common = new PmpdCommand.Common();
            common.model = model;
            common.backbone = backbone;
            common.noBertScore = true;
            try (QuantizedSession session = common.open(spec)) {
                List<LearnedData.Prompt> texts = LearnedData.prompts(calibrationText, session.bundle().tokenizer(),
                        dataConfig);
                Map<PrecisionPair, List<LabelledFeatures>> data = LearnedData.build(session.bundle().model(),
                        session.bundle().tokenizer(), texts, ps, dataConfig);
                int headDim = session.bundle().config().headDim();
                for (PrecisionPair p : ps) {
                    ClassifierTrainer.Result r = ClassifierTrainer.train(data.get(p), headDim, trainConfig);
                    Map<String, Object> prov = new LinkedHashMap<>();
                    prov.put("command", PmpdCommand.commandLine(spec));
                    prov.put("backbone", session.runner().backbone());
                    prov.put("model_sha256", session.bundle().identity().sha256());
                    prov.put("calibration_text", calibrationText.toString());
                    prov.put("calibration_text_sha256", Hashes.sha256Hex(calibrationText));
                    Map<String, Object> dataCard = new LinkedHashMap<>();
                    dataCard.put("prompts", texts.size());
                    dataCard.put("max_prompt_tokens", dataConfig.maxPromptTokens());
                    dataCard.put("new_tokens", dataConfig.newTokens());
                    dataCard.put("label_counts_all", Arrays.toString(counts(data.get(p))));
                    prov.put("data", dataCard);
                    LearnedStore.save(out, p, r, trainConfig, prov);
                    stdout.printf(Locale.ROOT, "%s: %d examples, labels %s; train accuracy %.3f, validation"
                            + " accuracy %.3f (%d held out) -> %s%n", p, data.get(p).size(),
                            Arrays.toString(counts(data.get(p))), r.trainAccuracy(), r.validationAccuracy(),
                            r.validation().size(), LearnedStore.weights(out, p));
                }
                stdout.flush();
                return 0;
            } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                return PmpdCommand.fail(spec, e);
            }
        }

        private static int[] counts(List<LabelledFeatures> data) {
            int[] c = new int[4];
            data.forEach(e -> c[e.label()]++);
            return c;
        }
    }
}
