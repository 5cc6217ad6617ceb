package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.LlamaConfig;
import org.pmpdrepro.model.Tensor;

/** The commands the scale benchmark runs: {@code synthetic-checkpoint} and {@code quantize}. */
@Tag("unit")
class ScaleCommandsTest {

    @TempDir
    Path dir;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void aSyntheticCheckpointIsAShardedBf16LlamaWithTheFixtureTokenizerThatLoadsAndDecodes() throws IOException {
        Path model = dir.resolve("synthetic");
        CliRun w = run("synthetic-checkpoint", "--out", model.toString(), "--hidden", "64", "--intermediate", "128",
                "--layers", "2", "--heads", "4", "--kv-heads", "2", "--shards", "2", "--max-positions", "256");
        assertThat(w.exitCode()).as(w.err()).isZero();
        assertThat(model.resolve(CheckpointDirectory.INDEX)).isRegularFile();
        assertThat(model.resolve("tokenizer.json")).isRegularFile();
        LlamaConfig c = LlamaConfig.read(model.resolve("config.json"));
        assertThat(c.hiddenSize()).isEqualTo(64);
        assertThat(c.numLayers()).isEqualTo(2);
        assertThat(c.numKvHeads()).isEqualTo(2);
        assertThat(c.vocabSize()).isEqualTo(4096);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(Files.readString(model.resolve("config.json"))).contains("bfloat16");
        assertThat(w.out()).contains(String.format("%,d parameters", c.parameterCount()));
        try (CheckpointDirectory ckpt = CheckpointDirectory.open(model)) {
            Tensor q = ckpt.tensor("model.layers.1.self_attn.q_proj.weight");
            double sq = 0;
            for (float v : q.data()) {
                sq += v * v;
            }
            assertThat(Math.sqrt(sq / q.data().length)).isBetween(0.017, 0.023);
            assertThat(ckpt.tensor("model.norm.weight").data()).containsOnly(1f);
        }
        CliRun d = run("decode", "--model", model.toString(), "--device", "cpu", "--prompt", "the package",
                "--max-new-tokens", "4");
        assertThat(d.exitCode()).as(d.err()).isZero();
        assertThat(d.out()).contains("4 tokens in");
    }

    @Test
    void quantizeBuildsOneBackboneIntoTheGivenCacheAndNarrowsGptqAndRtnToTheGivenWidths() throws IOException {
        Path cache = dir.resolve("cache");
        CliRun r = run("quantize", "--device", "cpu", "--method", "rtn", "--bits", "3", "--cache", cache.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("rtn of fixtures").contains("widths [3]");
        try (var files = Files.list(cache)) {
            assertThat(files.count()).isPositive();
        }
        CliRun ap = run("quantize", "--device", "cpu", "--method", "any-precision", "--bits", "3", "--cache",
                cache.toString());
        assertThat(ap.exitCode()).isEqualTo(2);
        assertThat(ap.err()).contains("--bits applies to rtn and gptq");
        CliRun bad = run("quantize", "--method", "awq");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown back-bone 'awq'").contains("any-precision");
    }
}
