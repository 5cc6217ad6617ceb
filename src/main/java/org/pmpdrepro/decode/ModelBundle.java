package org.pmpdrepro.decode;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.ModelFiles;
import org.pmpdrepro.model.ModelIdentity;
import org.pmpdrepro.model.ModelSource;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model directory opened for evaluation: its {@link ModelFiles} (checkpoint, tokenizer, identity) and the model
 * resident on one device.
 */
public final class ModelBundle implements ModelSource, AutoCloseable {

    /** Where the project's fixture model lives relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("fixtures", "model");

    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);

    private final ModelFiles files;
    private final DjlLlama model;

    private ModelBundle(ModelFiles files, DjlLlama model) {
        this.files = files;
        this.model = model;
    }

    /** Opens {@code dir} with unquantized weights on the device {@code choice} resolves to. */
    public static ModelBundle open(Path dir, DeviceChoice choice) throws IOException {
        return open(dir, choice, DenseWeightProvider::new);
    }

    /** Opens {@code dir} with linear weights served by {@code providers} (a quantized back-bone, say). */
    public static ModelBundle open(Path dir, DeviceChoice choice, DjlLlama.WeightProviderFactory providers)
            throws IOException {
        return open(ModelFiles.open(dir), choice, providers);
    }

    /**
     * Puts the model of {@code files} on the device {@code choice} resolves to, with linear weights served by
     * {@code providers}; the bundle takes over {@code files} (closing it, also when this fails).
     */
    public static ModelBundle open(ModelFiles files, DeviceChoice choice, DjlLlama.WeightProviderFactory providers) {
        try {
            Device device = choice.resolve();
            LlamaConfig config = files.config();
            DjlLlama model = DjlLlama.withProvider(config, DjlLlama.reading(files.checkpoint()), device, providers);
            LOG.info("model {} ({} parameters, {} layers, vocab {}) on {}", files.directory(),
                    config.parameterCount(), config.numLayers(), config.vocabSize(), device);
            return new ModelBundle(files, model);
        } catch (RuntimeException | Error e) {
            ModelFiles.closeAfter(files, e);
            throw e;
        }
    }

    /** The files the model was read from. */
    public ModelFiles files() {
        return files;
    }

    @Override
    public Path directory() {
        return files.directory();
    }

    @Override
    public LlamaConfig config() {
        return files.config();
    }

    @Override
    public CheckpointDirectory checkpoint() {
        return files.checkpoint();
    }

    public DjlLlama model() {
        return model;
    }

    @Override
    public ProjectTokenizer tokenizer() {
        return files.tokenizer();
    }

    /** Where the model runs, as DJL names it ({@code cpu()}, {@code gpu(0)}). */
    public String device() {
        return model.device().toString();
    }

    @Override
    public ModelIdentity identity() {
        return files.identity();
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            files.close();
        }
    }
}
