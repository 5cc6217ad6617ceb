package org.pmpdrepro.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.io.ReaderContract;
import org.pmpdrepro.io.ReaderFuzzTest;
import org.pmpdrepro.model.GgufWriter;
import org.pmpdrepro.model.TinyLlamaFactory;
import org.pmpdrepro.model.WeightSource;

/**
 * Fuzzes the project's own reading of {@code tokenizer.json}: the vocabulary size and special-token ids
 * ({@link TokenizerMetadata}, beside the {@code tokenizer_config.json} and {@code config.json} of a Llama-style
 * model) and the vocabulary and merges a GGUF export copies ({@link GgufWriter}). Both refuse a file with an
 * IOException naming it. The Hugging Face tokenizers library parses the same file natively when
 * {@link ProjectTokenizer} loads it; that Rust code is out of this fuzzer's reach (no JVM coverage to guide it).
 */
@Tag("unit")
class TokenizerJsonFuzzTest {

    @TempDir
    Path dir;

    private WeightSource tinyModel;

    @BeforeEach
    void prepare() throws IOException {
        tinyModel = TinyLlamaFactory.randomModel(TinyLlamaFactory.tinyConfig(), 17);
        Path llamaStyle = TokenizerFixtures.resourceDir("llama-style");
        for (String side : new String[] {TokenizerJsonWriter.TOKENIZER_CONFIG_JSON, "config.json"}) {
            Files.copy(llamaStyle.resolve(side), dir.resolve(side));
        }
    }

    @ReaderFuzzTest
    @DisplayName("any tokenizer.json gives the vocabulary size and special ids, or is refused naming its directory")
    void metadata(byte[] input) throws Throwable {
        Path file = Files.write(dir.resolve(TokenizerJsonWriter.TOKENIZER_JSON), input);
        ReaderContract.refusingWith(dir, IOException.class).check(() -> TokenizerMetadata.read(file));
    }

    @ReaderFuzzTest
    @DisplayName("any tokenizer.json exports to GGUF with a tiny model, or is refused naming the file")
    void ggufExport(byte[] input) throws Throwable {
        ReaderContract.checkFile(dir.resolve(TokenizerJsonWriter.TOKENIZER_JSON), input, IOException.class,
                file -> GgufWriter.write(tinyModel, file, dir.resolve("model.gguf")));
    }
}
