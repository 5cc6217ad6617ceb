package org.pmpdrepro.model;

import java.nio.file.Path;
import org.pmpdrepro.tokenizer.ProjectTokenizer;

/**
 * A model directory's files as a quantizer reads them: the checkpoint, its tokenizer and its identity, without a
 * model resident on a device. Both {@link ModelFiles} (the files alone) and {@code decode.ModelBundle} (the files with the
 * DJL model) are one.
 */
public interface ModelSource {

    Path directory();

    LlamaConfig config();

    /** The full-precision weights, for anything that derives another form of the model from them. */
    CheckpointDirectory checkpoint();

    ProjectTokenizer tokenizer();

    /**
     * SHA-256 of {@code config.json}, every weight file (the index and its shards for a sharded checkpoint),
     * {@code tokenizer.json} and, when present, {@code tokenizer_config.json} (it names the special tokens).
     */
    ModelIdentity identity();
}
