package org.pmpdrepro.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * A model directory opened without a model on a device: the checkpoint ({@code config.json} with
 * {@code model.safetensors} or shards, validated) and its {@code tokenizer.json}. What a back-bone is quantized from;
 * {@code decode.ModelBundle.open} then puts the model on a device
 * from the same open files.
 *
 * <p>The checkpoint stays open while the files are, so that a quantizer can read the full-precision weights again.
 * The identity hash is computed on first request, since hashing a multi-gigabyte checkpoint takes a while.
 */
public final class ModelFiles implements ModelSource, AutoCloseable {

    private static final String TOKENIZER = ModelIdentity.TOKENIZER;

    private final Path directory;
    private final CheckpointDirectory checkpoint;
    private final ProjectTokenizer tokenizer;
    private ModelIdentity identity;

    private ModelFiles(Path directory, CheckpointDirectory checkpoint, ProjectTokenizer tokenizer) {
        this.directory = directory;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens {@code dir}: a missing directory or tokenizer, a checkpoint that does not validate, or a tokenizer whose
     * vocabulary does not fit the model is an {@link IOException} naming the file.
     */
    public static ModelFiles open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("model directory " + dir + " does not exist; expected config.json,"
                    + " model.safetensors (or shards) and tokenizer.json there");
        }
        if (!Files.isRegularFile(dir.resolve(TOKENIZER))) {
            throw new IOException("model directory " + dir + " has no " + TOKENIZER
                    + "; copy the tokenizer the model was trained with next to its weights");
        }
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
            return new ModelFiles(dir, checkpoint, tokenizer);
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

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public LlamaConfig config() {
        return checkpoint.config();
    }

    @Override
    public CheckpointDirectory checkpoint() {
        return checkpoint;
    }

    @Override
    public ProjectTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public synchronized ModelIdentity identity() {
        if (identity == null) {
            identity = ModelIdentity.ofDirectory(directory, checkpoint);
        }
        return identity;
    }

    /** Closes {@code files} after {@code failure}, keeping a failure to close as suppressed by it. */
    public static void closeAfter(ModelFiles files, Throwable failure) {
        try {
            files.close();
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        try {
            checkpoint.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + checkpoint.weightsFile(), e);
        }
    }
}
