package org.pmpdrepro.decode;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.ModelIdentity;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model directory opened for evaluation: the checkpoint ({@code config.json} with {@code model.safetensors} or
 * shards), its {@code tokenizer.json}, and the model resident on one device.
 *
 * <p>The checkpoint stays open while the bundle is, so that a quantizer can read the full-precision weights again.
 * The identity hash is computed on first request, since hashing a multi-gigabyte checkpoint takes a while.
 */
public final class ModelBundle implements AutoCloseable {

    /** Where the project's fixture model lives relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("fixtures", "model");

    private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);
    private static final String TOKENIZER = ModelIdentity.TOKENIZER;

    private final Path directory;
    private final CheckpointDirectory checkpoint;
    private final ProjectTokenizer tokenizer;
    private final DjlLlama model;
    private ModelIdentity identity;

    private ModelBundle(Path directory, CheckpointDirectory checkpoint, ProjectTokenizer tokenizer, DjlLlama model) {
        this.directory = directory;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.model = model;
    }

    /** Opens {@code dir} with unquantized weights on the device {@code choice} resolves to. */
    public static ModelBundle open(Path dir, DeviceChoice choice) throws IOException {
        return open(dir, choice, DenseWeightProvider::new);
    }

    /** Opens {@code dir} with linear weights served by {@code providers} (a quantized back-bone, say). */
    public static ModelBundle open(Path dir, DeviceChoice choice, DjlLlama.WeightProviderFactory providers)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("model directory " + dir + " does not exist; expected config.json,"
                    + " model.safetensors (or shards) and tokenizer.json there");
        }
        if (!Files.isRegularFile(dir.resolve(TOKENIZER))) {
            throw new IOException("model directory " + dir + " has no " + TOKENIZER
                    + "; copy the tokenizer the model was trained with next to its weights");
        }
        Device device = choice.resolve();
        CheckpointDirectory checkpoint = CheckpointDirectory.open(dir);
        ProjectTokenizer tokenizer = null;
        try {
            checkpoint.validate();
            tokenizer = ProjectTokenizer.load(dir.resolve(TOKENIZER));
            LlamaConfig config = checkpoint.config();
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new IOException(dir.resolve(TOKENIZER) + ": vocabulary of " + tokenizer.vocabSize()
                        + " tokens does not fit the model's vocab_size " + config.vocabSize() + " in "
                        + dir.resolve(CheckpointDirectory.CONFIG));
            }
            DjlLlama model = DjlLlama.withProvider(config, DjlLlama.reading(checkpoint), device, providers);
            LOG.info("model {} ({} parameters, {} layers, vocab {}) on {}", dir, config.parameterCount(),
                    config.numLayers(), config.vocabSize(), device);
            return new ModelBundle(dir, checkpoint, tokenizer, model);
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            try {
                checkpoint.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public LlamaConfig config() {
        return checkpoint.config();
    }

    /** The full-precision weights, for anything that derives another form of the model from them. */
    public CheckpointDirectory checkpoint() {
        return checkpoint;
    }

    public DjlLlama model() {
        return model;
    }

    public ProjectTokenizer tokenizer() {
        return tokenizer;
    }

    /** Where the model runs, as DJL names it ({@code cpu()}, {@code gpu(0)}). */
    public String device() {
        return model.device().toString();
    }

    /**
     * SHA-256 of {@code config.json}, every weight file (the index and its shards for a sharded checkpoint),
     * {@code tokenizer.json} and, when present, {@code tokenizer_config.json} (it names the special tokens).
     */
    public synchronized ModelIdentity identity() {
        if (identity == null) {
            identity = ModelIdentity.ofDirectory(directory, checkpoint);
        }
        return identity;
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
        try {
            checkpoint.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + checkpoint.weightsFile(), e);
        }
    }
}
