package org.pmpdrepro.suite;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.TaskRun;

/**
 * Where the in-process runner finds its model and fixtures and how it decodes, from system properties so an IDE
 * run and a Maven run configure it alike.
 *
 * @param samples decode the first this many test prompts of each task; 0 for all of them
 * @param calibrationSequences at most this many calibration texts are given to back-bones that need them
 */
public record SuiteSettings(Path modelDir, Path fixturesDir, DeviceChoice device, int batchSize, int samples,
        int calibrationSequences) {

    public SuiteSettings {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(fixturesDir, "fixturesDir");
        Objects.requireNonNull(device, "device");
        if (batchSize < 1) {
            throw new IllegalArgumentException("pmpd.batch " + batchSize + ": expected at least 1");
        }
        if (samples < 0) {
            throw new IllegalArgumentException("pmpd.samples " + samples + ": expected 0 (all) or a positive count");
        }
        if (calibrationSequences < 1) {
            throw new IllegalArgumentException("calibration sequences " + calibrationSequences
                    + ": expected at least 1");
        }
    }

    /** The committed fixture model and fixtures, every test prompt, batch 32, the device DJL picks. */
    public static SuiteSettings defaults() {
        return new SuiteSettings(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR, DeviceChoice.AUTO,
                TaskRun.DEFAULT_BATCH_SIZE, 0, 128);
    }

    /**
     * Defaults overridden by {@code pmpd.model.dir}, {@code pmpd.fixtures.dir}, {@code pmpd.device}
     * ({@code auto|cpu|gpu}), {@code pmpd.batch} and {@code pmpd.samples}.
     */
    public static SuiteSettings fromProperties(Properties p) {
        SuiteSettings d = defaults();
        return new SuiteSettings(Path.of(p.getProperty("pmpd.model.dir", d.modelDir.toString())),
                Path.of(p.getProperty("pmpd.fixtures.dir", d.fixturesDir.toString())),
                DeviceChoice.parse(p.getProperty("pmpd.device", "auto")),
                integer(p, "pmpd.batch", d.batchSize), integer(p, "pmpd.samples", d.samples),
                d.calibrationSequences);
    }

    private static int integer(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + key + "='" + v + "': expected an integer", e);
        }
    }
}
