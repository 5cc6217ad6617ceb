package org.pmpdrepro.pmpd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public static Map<String, Object> json(BaselineCalibration.Fit f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", f.task().id());
        m.put("pair", f.pair().label());
        m.put("backbone", f.backbone());
        m.put("matched_to", "static");
        m.put("static_switch_point", f.staticSwitchPoint());
        m.put("target_bits", f.targetBits());
        m.put("tolerance_bits", BaselineCalibration.TOLERANCE);
        m.put("calibration_examples", f.examples());
        m.put("random-uniform-matched", random(f.uniform(), f.seed()));
        m.put("random-label-prior-matched", random(f.labelPrior(), f.seed()));
        BaselineCalibration.ConfidenceFit c = f.confidence();
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("warmup", c.warmup());
        conf.put("stds", c.stds());
        conf.put("estimated_bits", c.estimatedBits());
        conf.put("calibration_bits", c.calibrationBits());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (BaselineCalibration.Check k : c.checks()) {
            checks.add(LearnedStore.ordered("warmup", k.warmup(), "stds", k.stds(), "estimated_bits",
                    k.estimatedBits(), "calibration_bits", k.measuredBits()));
        }
        conf.put("calibration_decodes", checks);
        m.put("confidence-matched", conf);
        return m;
    }

    private static Map<String, Object> random(BaselineCalibration.RandomFit r, long seed) {
        return LearnedStore.ordered("base", r.base(), "base_prior", r.basePrior(), "tilt", r.tilt(), "prior",
                r.prior(), "seed", seed, "expected_bits", r.expectedBits(), "calibration_bits", r.calibrationBits());
    }

    public static Path save(Path dir, BaselineCalibration.Fit f, Map<String, Object> provenance) throws IOException {
        return FittedFiles.write(file(dir, f.backbone(), f.task(), f.pair()), json(f), provenance);
    }

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
        JsonNode n = FittedFiles.read(f, "bits-matched baselines", backbone, fitCommand(backbone) + " --tasks "
                + task.id() + " --pairs " + fittedFor.label());
        FittedFiles.requireText(f, n, "task", task.id());
        FittedFiles.requireText(f, n, "pair", fittedFor.label());
        JsonNode b = n.get(name);
        if (b == null || !b.isObject()) {
            throw new IOException(f + ": no object '" + name + "'; expected the fit of each of " + NAMES);
        }
        if (name.equals("confidence-matched")) {
            return ConfidenceScheduler.matched(served, integer(f, b, name + ".warmup"), number(f, b, name + ".stds"));
        }
        JsonNode prior = b.get("prior");
        if (prior == null || !prior.isArray() || prior.size() != SwitchPoints.CLASSES) {
            throw new IOException(f + ": field '" + name + ".prior' is " + prior + "; expected "
                    + SwitchPoints.CLASSES + " probabilities");
        }
        double[] p = new double[SwitchPoints.CLASSES];
        for (int k = 0; k < p.length; k++) {
            if (!prior.get(k).isNumber()) {
                throw new IOException(f + ": field '" + name + ".prior[" + k + "]' is " + prior.get(k)
                        + "; expected a number");
            }
            p[k] = prior.get(k).asDouble();
        }
        JsonNode seed = b.get("seed");
        if (seed == null || !seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw new IOException(f + ": field '" + name + ".seed' is " + seed + "; expected an integer");
        }
        try {
            return RandomScheduler.matched(served, name.equals("random-uniform-matched") ? "uniform" : "label-prior",
                    p, seed.asLong());
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": field '" + name + ".prior': " + e.getMessage(), e);
        }
    }

    private static double number(Path f, JsonNode parent, String dotted) throws IOException {
        JsonNode v = parent.get(dotted.substring(dotted.indexOf('.') + 1));
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IOException(f + ": field '" + dotted + "' is " + v + "; expected a finite number");
        }
        return v.asDouble();
    }

    private static int integer(Path f, JsonNode parent, String dotted) throws IOException {
        JsonNode v = parent.get(dotted.substring(dotted.indexOf('.') + 1));
        if (v == null || !v.canConvertToInt() || v.asInt() < 1) {
            throw new IOException(f + ": field '" + dotted + "' is " + v + "; expected a positive integer");
        }
        return v.asInt();
    }
}
