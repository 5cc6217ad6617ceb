package org.pmpdrepro.suite;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.TaskRun;

/**
 * Where the cells' decoder finds its model and fixtures and how it decodes: part of the run's one configuration
 * ({@link SuiteSession.Config#read}), from system properties or JUnit configuration parameters, so an IDE run and a
 * Maven run configure it alike. The container runner sends the numerical settings (device, batch size,
 * samples, threads) with its job, so that the container decodes as the in-process runner would.
 *
 * @param samples decode the first this many test prompts of each task; 0 for all of them
 * @param intraOpThreads PyTorch intra-op threads for decoding; 0 leaves the engine's default (one per core). The
 *     default is 1: the fixture model is so small that a decode step is bound by per-operation overhead, and with
 *     the CPU shared by other jobs two spinning threads per operation made a 256-prompt decode over ten times
 *     slower (measured: more than 8 minutes against 55 s with one thread at a load of about 20)
 */
public record SuiteSettings(Path modelDir, Path fixturesDir, DeviceChoice device, int batchSize, int samples,
        int intraOpThreads) {

    /**
     * One numerical configuration: batch size and intra-op threads (0: the engine's default).
     *
     * @param description how it differs from the main run ({@code threads 2, batch 17})
     */
    public record Numerics(String description, int batchSize, int intraOpThreads) {}

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
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("pmpd.threads " + intraOpThreads
                    + ": expected 0 (engine default) or a positive count");
        }
    }

    /** The committed fixture model and fixtures, every test prompt, batch 32, the device DJL picks. */
    public static SuiteSettings defaults() {
        return new SuiteSettings(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR, DeviceChoice.AUTO,
                TaskRun.DEFAULT_BATCH_SIZE, 0, 1);
    }

    /**
     * Defaults overridden by {@code pmpd.model.dir}, {@code pmpd.fixtures.dir}, {@code pmpd.device}
     * ({@code auto|cpu|gpu}), {@code pmpd.batch}, {@code pmpd.samples} and {@code pmpd.threads}.
     */
    public static SuiteSettings fromProperties(Properties p) {
        SuiteSettings d = defaults();
        return new SuiteSettings(Path.of(p.getProperty("pmpd.model.dir", d.modelDir.toString())),
                Path.of(p.getProperty("pmpd.fixtures.dir", d.fixturesDir.toString())),
                DeviceChoice.parse(p.getProperty("pmpd.device", "auto")),
                integer(p, "pmpd.batch", d.batchSize), integer(p, "pmpd.samples", d.samples),
                integer(p, "pmpd.threads", d.intraOpThreads));
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
