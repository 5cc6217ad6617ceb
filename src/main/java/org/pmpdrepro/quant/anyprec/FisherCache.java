package org.pmpdrepro.quant.anyprec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pmpdrepro.model.WeightSource;
import org.pmpdrepro.quant.store.CalibrationSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds Fisher sensitivities for a model and calibration set without recomputing them when a file made from exactly
 * those inputs exists: first a committed file, then one computed earlier into a cache directory.
 */
public final class FisherCache {

    private static final Logger LOG = LoggerFactory.getLogger(FisherCache.class);

    private FisherCache() {}

    /**
     * The sensitivities of {@code model} ({@code modelSha256}) over {@code calibration}: from {@code committed} (may
     * be null) when its provenance matches, else from {@code cacheDir} when computed there before, else computed now
     * and saved in {@code cacheDir}. A file from other inputs is passed over with a warning naming it.
     */
    public static FisherSensitivities loadOrCompute(Path committed, Path cacheDir, WeightSource model, String modelSha256,
            CalibrationSet calibration) throws IOException {
        if (committed != null) {
            FisherSensitivities f = matching(committed, model, modelSha256, calibration);
            if (f != null) {
                return f;
            }
        }
        Path cached = cacheDir.resolve("fisher-" + modelSha256.substring(0, Math.min(16, modelSha256.length())) + "-"
                + calibration.sha256().substring(0, 16) + ".safetensors");
        FisherSensitivities f = matching(cached, model, modelSha256, calibration);
        if (f != null) {
            return f;
        }
        LOG.info("fisher: computing sensitivities over {} ({} sequences, {} tokens)", calibration.label(),
                calibration.size(), calibration.tokens());
        // Written block by block as the pass goes and read back from the file: what is used from here on is what
        // later runs will load, and the values are never all on the heap (they are read one matrix at a time).
        f = FisherSensitivities.computeTo(cached, model, modelSha256, calibration);
        LOG.info("fisher: saved in {}", cached);
        return f;
    }

    private static FisherSensitivities matching(Path file, WeightSource model, String modelSha256,
            CalibrationSet calibration) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            FisherSensitivities f = FisherSensitivities.load(file, model.config(), modelSha256);
            if (f.provenance().calibrationSha256().equals(calibration.sha256())) {
                LOG.info("fisher: using {} ({} sequences)", file, f.provenance().sequences());
                return f;
            }
            LOG.warn("fisher: {} was computed over calibration {}; expected {} ({}), so it is not used", file,
                    f.provenance().calibrationSha256(), calibration.sha256(), calibration.label());
        } catch (IOException e) {
            LOG.warn("fisher: {} is not used: {}", file, e.getMessage());
        }
        return null;
    }
}
