package org.pmpdrepro.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.pmpdrepro.model.CheckpointWriter;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.TinyLlamaFactory;

/**
 * A model directory for tests: random weights of a tiny Llama with the project tokenizer's vocabulary, and the
 * committed tokenizer files copied beside them. Decodes fast; its outputs are nonsense but deterministic.
 */
public final class RandomModelDirectory {

    /** Vocabulary of the committed tokenizer (4096, bos 1, eos 2), hidden 32, 2 layers, 512 positions. */
    public static final LlamaConfig CONFIG = new LlamaConfig(4096, 32, 64, 2, 4, 2, 512, 1e-5, 10000.0, true, 1, 2);

    private static final Path TOKENIZER_DIR = Path.of("fixtures", "model");

    private RandomModelDirectory() {}

    /** Writes the model with weights drawn from {@code seed} into {@code dir} and returns {@code dir}. */
    public static Path write(Path dir, long seed) throws IOException {
        CheckpointWriter.write(dir, CONFIG, TinyLlamaFactory.randomWeights(CONFIG, seed), DType.F32);
        for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(TOKENIZER_DIR.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }
}
