package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.pmpd.BackboneIdentity;
import org.pmpdrepro.pmpd.BaselineCalibration;
import org.pmpdrepro.pmpd.BaselineStore;
import org.pmpdrepro.pmpd.ClassifierTrainer;
import org.pmpdrepro.pmpd.FittedFiles;
import org.pmpdrepro.pmpd.LearnedData;
import org.pmpdrepro.pmpd.LearnedStore;
import org.pmpdrepro.pmpd.PrecisionPair;
import org.pmpdrepro.pmpd.QuantizedSession;
import org.pmpdrepro.pmpd.ScheduleFits;
import org.pmpdrepro.pmpd.Schedulers;
import org.pmpdrepro.pmpd.StaticSearch;
import org.pmpdrepro.pmpd.StaticStore;
import org.pmpdrepro.pmpd.TableRun;
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
        FittedFiles.Provenance provenance(CommandSpec spec, QuantizedSession session) {
            return new FittedFiles.Provenance(PmpdCommand.commandLine(spec), session.bundle().identity().sha256(),
                    BackboneIdentity.sha256(session.quantized()), Provenance.manifestSha256(fixtures));
        }
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
                Optional<ScheduleFits.Baselines> baselines = calibrateBaselines
                        ? Optional.of(new ScheduleFits.Baselines(learnedDir, baselinesOut, seed)) : Optional.empty();
                ScheduleFits.staticSearches(session, fit.fixtures, ps, ts, config, fit.provenance(spec, session), out,
                        baselines, r -> {
                            StaticSearch.Outcome o = r.outcome();
                            stdout.printf(Locale.ROOT, "%s %s %s: chosen s = %d (%.3f bits), %s gap %.4f, tolerance"
                                    + " %.4f; %s -> %s (%.0f s)%n", backbone, r.task().id(), r.pair(), o.chosen(),
                                    o.chosenRow().averageBits(), o.metric(), o.gap(), o.tolerance(), o.table(),
                                    r.file(), r.seconds());
                            stdout.flush();
                        }, r -> {
                            BaselineCalibration.Fit b = r.fit();
                            stdout.printf(Locale.ROOT, "  baselines matched to %.4f bits: random-uniform %.4f,"
                                    + " random-label-prior %.4f, confidence %.4f (warm-up %d, z %.4f) -> %s (%.0f s)%n",
                                    b.targetBits(), b.uniform().calibrationBits(), b.labelPrior().calibrationBits(),
                                    b.confidence().calibrationBits(), b.confidence().warmup(), b.confidence().stds(),
                                    r.file(), r.seconds());
                            stdout.flush();
                        });
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
            ScheduleFits.LearnedInputs inputs;
            try {
                ps = TableRun.pairs(fit.pairs);
                ClassifierTrainer.Config d = ClassifierTrainer.Config.defaults();
                inputs = new ScheduleFits.LearnedInputs(calibrationText,
                        new LearnedData.Config(prompts, 48, newTokens, fit.model.batchSize), taskPrompts,
                        new ClassifierTrainer.Config(pools, pools, epochs, d.batch(), d.learningRate(),
                                d.weightDecay(), d.validationFraction(), d.seed()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            try (QuantizedSession session = fit.open(spec)) {
                String backbone = session.runner().backbone();
                ScheduleFits.learned(session, fit.fixtures, ps, inputs, fit.provenance(spec, session), out,
                        validationFeatures, r -> stdout.printf(Locale.ROOT, "%s %s: %d examples, labels %s; train"
                                + " accuracy %.3f, held-out accuracy %.3f against %.3f for always predicting class %d"
                                + " (balanced accuracy %.3f, %d held out) -> %s%n", backbone, r.pair(), r.examples(),
                                Arrays.toString(r.labelCounts()), r.result().trainAccuracy(),
                                r.result().validationAccuracy(), r.result().majorityRate(),
                                r.result().majorityClass(), r.result().validationBalancedAccuracy(),
                                r.result().validation().size(), r.weights()));
                stdout.flush();
                return 0;
            }
        }
    }
}
