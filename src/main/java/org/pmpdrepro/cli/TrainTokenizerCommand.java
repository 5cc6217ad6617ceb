package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.tokenizer.BpeModel;
import org.pmpdrepro.tokenizer.BpeTrainer;
import org.pmpdrepro.tokenizer.TextCorpus;
import org.pmpdrepro.tokenizer.TokenizerJsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd train-tokenizer}: trains the project's byte-level BPE and writes it in the Hugging Face layout. */
@Command(
        name = "train-tokenizer",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a byte-level BPE tokenizer and writes DIR/tokenizer.json and DIR/tokenizer_config.json.",
            "Special tokens: <pad>=0, <s>=1, </s>=2. Prints the SHA-256 of every input and output file."
        })
public final class TrainTokenizerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Training text (repeatable): one document per line, or .jsonl with a string field 'text'.")
    private List<Path> inputs;

    @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "4096",
            description = "Vocabulary size including special tokens and the 256 byte symbols (default: ${DEFAULT-VALUE}).")
    private int vocabSize;

    @Option(names = "--min-frequency", paramLabel = "N", defaultValue = "2",
            description = "Never merge a pair seen fewer times (default: ${DEFAULT-VALUE}).")
    private long minFrequency;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        for (Path input : inputs) {
            if (!Files.isRegularFile(input)) {
                throw new ParameterException(spec.commandLine(), "--input " + input + ": no such file");
            }
        }
        BpeTrainer.Options options;
        try {
            options = BpeTrainer.Options.defaults().withVocabSize(vocabSize).withMinFrequency(minFrequency);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        for (Path input : inputs) {
            stdout.printf("input  %s  %s%n", sha256(input), input);
        }
        stdout.flush();
        BpeModel model = new BpeTrainer(options).train(new TextCorpus(inputs));
        TokenizerJsonWriter.writeDirectory(model, TokenizerJsonWriter.Roles.project(), out);
        stdout.printf("vocabulary %d tokens, %d merges%n", model.vocabSize(), model.merges().size());
        for (String name : List.of(TokenizerJsonWriter.TOKENIZER_JSON, TokenizerJsonWriter.TOKENIZER_CONFIG_JSON)) {
            Path written = out.resolve(name);
            stdout.printf("output %s  %s%n", sha256(written), written);
        }
        stdout.flush();
        return 0;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
