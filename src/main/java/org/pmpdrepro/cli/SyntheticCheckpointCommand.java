package org.pmpdrepro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.CheckpointWriter;
import org.pmpdrepro.model.DType;
import org.pmpdrepro.model.GeneratedWeights;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd synthetic-checkpoint}: a random-weight Llama checkpoint of a chosen shape in Hugging Face layout, with
 * a tokenizer copied from a model directory, for measuring what the pipeline costs at sizes the fixture model does
 * not reach ({@code benchmarks/scale}). Weights are N(0, std^2) (norms 1), seeded per tensor, written shard by
 * shard so the heap holds one shard at a time.
 */
@Command(
        name = "synthetic-checkpoint",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a random-weight Llama checkpoint (config.json, safetensors shards and their index, the",
            "tokenizer of --tokenizer-from) of the given shape, for scale benchmarks. Not a trained model."
        })
public final class SyntheticCheckpointCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the checkpoint is written.")
    Path out;

    @Option(names = "--hidden", required = true, paramLabel = "N", description = "Hidden size.")
    int hidden;

    @Option(names = "--intermediate", paramLabel = "N", description = "MLP width (default: 8/3 x hidden, rounded"
            + " up to a multiple of 256).")
    Integer intermediate;

    @Option(names = "--layers", required = true, paramLabel = "N", description = "Decoder blocks.")
    int layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads (default: hidden / 64).")
    Integer heads;

    @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (default: as --heads).")
    Integer kvHeads;

    @Option(names = "--max-positions", paramLabel = "N", defaultValue = "2048",
            description = "Longest sequence (default: ${DEFAULT-VALUE}).")
    int maxPositions;

    @Option(names = "--tokenizer-from", paramLabel = "DIR",
            description = "Model directory whose tokenizer (and vocabulary size, special tokens, norm epsilon and"
                    + " rotary base) the checkpoint takes (default: ${DEFAULT-VALUE}).")
    Path tokenizerFrom = ModelBundle.DEFAULT_DIR;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "BF16",
            description = "Stored type: F32, F16 or BF16 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
            description = "Safetensors shards, with an index (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--std", paramLabel = "S", defaultValue = "0.02",
            description = "Standard deviation of embeddings and matrices (default: ${DEFAULT-VALUE}).")
    double std;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "20261205", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (hidden < 1 || layers < 1 || shards < 1 || !(std > 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--hidden, --layers and --shards must be positive and --std above 0");
        }
        LlamaConfig source = LlamaConfig.read(tokenizerFrom.resolve(CheckpointDirectory.CONFIG));
        int h = heads == null ? Math.max(1, hidden / 64) : heads;
        int kv = kvHeads == null ? h : kvHeads;
        int mlp = intermediate == null ? Math.ceilDiv(8 * hidden / 3, 256) * 256 : intermediate;
        LlamaConfig config;
        try {
            config = new LlamaConfig(source.vocabSize(), hidden, mlp, layers, h, kv, maxPositions,
                    source.rmsNormEps(), source.ropeTheta(), false, source.bosTokenId(), source.eosTokenId());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "the shape is not a valid Llama configuration: "
                    + e.getMessage());
        }
        long start = System.nanoTime();
        long[] params = {0};
        CheckpointWriter.writeGenerated(out, config, dtype, shards, e -> {
            Tensor t = GeneratedWeights.make(e, std, seed);
            params[0] += t.size();
            return t;
        });
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Path from = tokenizerFrom.resolve(f);
            if (Files.exists(from)) {
                Files.copy(from, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        spec.commandLine().getOut().printf("%s: %,d parameters (hidden %d, MLP %d, %d layers, %d/%d heads, vocab %d),"
                + " %s in %d shard(s), %.1f s%n", out, params[0], hidden, mlp, layers, h, kv, config.vocabSize(),
                dtype, shards, (System.nanoTime() - start) / 1e9);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
