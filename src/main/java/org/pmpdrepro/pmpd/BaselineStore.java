package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pmpdrepro.data.Task;

/**
 * The bits-matched baselines' committed fits ({@link BaselineCalibration}), one directory per back-bone:
 * {@code <back-bone>/<task>-<H>-<L>.json} with each baseline's parameters, the static scheduler's calibration bits
 * they were matched to, and what they spend on the calibration prompts.
 */
public final class BaselineStore {

    public static final Path DEFAULT_DIR = Path.of("fixtures", "pmpd", "baselines");

    /** The schedulers a fit file serves. */
    public static final List<String> NAMES = List.of("random-uniform-matched", "random-label-prior-matched",
            "confidence-matched");

    private BaselineStore() {}

    public static Path file(Path dir, String backbone, Task task, PrecisionPair pair) {
        return FittedFiles.dir(dir, backbone).resolve(task.id() + "-" + pair.fileLabel() + ".json");
    }

    /** The command that fits {@code backbone}'s baselines (with its static searches, whose decodes they reuse). */
    public static String fitCommand(String backbone) {
        return StaticStore.fitCommand(backbone) + " --calibrate-baselines";
    }

    /**
     * The file {@code f} is written as, with the provenance of the fit and the files it read: the calibration split,
     * the static search it matched and the classifier card whose label counts the label-prior baseline drew on.
     */
    public static File form(BaselineCalibration.Fit f, FittedFiles.Provenance p, FittedFiles.Input calibrationSplit,
            FittedFiles.Input staticSearch, FittedFiles.Input labelPriorFrom) {
        BaselineCalibration.ConfidenceFit c = f.confidence();
        List<Check> checks = new ArrayList<>();
        for (BaselineCalibration.Check k : c.checks()) {
            checks.add(new Check(k.warmup(), k.stds(), k.estimatedBits(), k.measuredBits()));
        }
        return new File(f.task().id(), f.pair().label(), f.backbone(), "static", f.staticSwitchPoint(),
                f.targetBits(), BaselineCalibration.TOLERANCE, f.examples(), random(f.uniform(), f.seed()),
                random(f.labelPrior(), f.seed()), new ConfidenceFit(c.warmup(), c.stds(), c.estimatedBits(),
                        c.calibrationBits(), checks), p.command(), p.modelSha256(), p.backboneSha256(),
                p.fixturesManifestSha256(), calibrationSplit, staticSearch, labelPriorFrom);
    }

    private static RandomFit random(BaselineCalibration.RandomFit r, long seed) {
        return new RandomFit(r.base(), boxed(r.basePrior()), r.tilt(), boxed(r.prior()), seed, r.expectedBits(),
                r.calibrationBits());
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    public static Path save(Path dir, BaselineCalibration.Fit f, FittedFiles.Provenance p,
            FittedFiles.Input calibrationSplit, FittedFiles.Input staticSearch, FittedFiles.Input labelPriorFrom)
            throws IOException {
        return FittedFiles.write(file(dir, f.backbone(), f.task(), f.pair()),
                form(f, p, calibrationSplit, staticSearch, labelPriorFrom));
    }

    /** The file's form, written from the fit and its provenance ({@link #form}) and bound strictly when read. */
    public record File(String task, String pair, String backbone, @JsonProperty("matched_to") String matchedTo,
            @JsonProperty("static_switch_point") int staticSwitchPoint, @JsonProperty("target_bits") double targetBits,
            @JsonProperty("tolerance_bits") double toleranceBits,
            @JsonProperty("calibration_examples") int calibrationExamples,
            @JsonProperty("random-uniform-matched") RandomFit uniform,
            @JsonProperty("random-label-prior-matched") RandomFit labelPrior,
            @JsonProperty("confidence-matched") ConfidenceFit confidence, String command,
            @JsonProperty("model_sha256") String modelSha256, @JsonProperty("backbone_sha256") String backboneSha256,
            @JsonProperty("fixtures_manifest_sha256") String fixturesManifestSha256,
            @JsonProperty("calibration_split") FittedFiles.Input calibrationSplit,
            @JsonProperty("static_search") FittedFiles.Input staticSearch,
            @JsonProperty("label_prior_from") FittedFiles.Input labelPriorFrom) implements FittedFiles.Fitted {}

    /** A random baseline's fit: its prior, tilted from a base prior to match the bits, and its seed. */
    public record RandomFit(String base, @JsonProperty("base_prior") List<Double> basePrior, double tilt, List<Double> prior,
            long seed, @JsonProperty("expected_bits") double expectedBits,
            @JsonProperty("calibration_bits") double calibrationBits) {}

    /** The confidence baseline's fit and the calibration decodes that checked it. */
    public record ConfidenceFit(int warmup, double stds, @JsonProperty("estimated_bits") double estimatedBits,
            @JsonProperty("calibration_bits") double calibrationBits,
            @JsonProperty("calibration_decodes") List<Check> calibrationDecodes) {}

    /** One calibration decode of a confidence setting. */
    public record Check(int warmup, double stds, @JsonProperty("estimated_bits") double estimatedBits,
            @JsonProperty("calibration_bits") double calibrationBits) {}

    /**
     * The fitted baseline {@code name} of {@code backbone} for {@code task} and the pair it was fitted for, switching
     * between {@code served}'s precisions.
     */
    public static Scheduler load(Path dir, String backbone, Task task, PrecisionPair fittedFor, PrecisionPair served,
            String name) throws IOException {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("baseline '" + name + "': expected one of " + NAMES);
        }
        Path f = file(dir, backbone, task, fittedFor);
        File n = FittedFiles.bind(f, File.class, "bits-matched baselines", backbone, fitCommand(backbone)
                + " --tasks " + task.id() + " --pairs " + fittedFor.label());
        FittedFiles.requireText(f, "task", n.task(), task.id());
        FittedFiles.requireText(f, "pair", n.pair(), fittedFor.label());
        if (name.equals("confidence-matched")) {
            ConfidenceFit c = n.confidence();
            if (c.warmup() < 1) {
                throw new IOException(f + ": field '" + name + ".warmup' is " + c.warmup()
                        + "; expected a positive integer");
            }
            if (!Double.isFinite(c.stds())) {
                throw new IOException(f + ": field '" + name + ".stds' is " + c.stds() + "; expected a finite number");
            }
            return ConfidenceScheduler.matched(served, c.warmup(), c.stds());
        }
        RandomFit r = name.equals("random-uniform-matched") ? n.uniform() : n.labelPrior();
        if (r.prior().size() != SwitchPoints.CLASSES) {
            throw new IOException(f + ": field '" + name + ".prior' is " + r.prior() + "; expected "
                    + SwitchPoints.CLASSES + " probabilities");
        }
        double[] p = r.prior().stream().mapToDouble(Double::doubleValue).toArray();
        try {
            return RandomScheduler.matched(served, name.equals("random-uniform-matched") ? "uniform" : "label-prior",
                    p, r.seed());
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": field '" + name + ".prior': " + e.getMessage(), e);
        }
    }
}
