package org.pmpdrepro.quant.bitmixer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.cli.Main;
import org.pmpdrepro.eval.RandomModelDirectory;
import org.pmpdrepro.io.Hashes;
import org.pmpdrepro.model.CheckpointDirectory;
import org.pmpdrepro.model.LlamaConfig;

/** {@code pmpd bitmixer-train} in a reduced configuration: the command that regenerates the committed artefact. */
@Tag("unit")
class BitMixerTrainCommandTest {

    static final Path CALIBRATION = Path.of("fixtures", "tasks", "calibration-text.jsonl");

    @Test
    @DisplayName("bitmixer-train fine-tunes a tiny model and writes weights plus a manifest with hashes and command")
    void writesWeightsAndManifest(@TempDir Path dir) throws Exception {
        Path model = RandomModelDirectory.write(Files.createDirectories(dir.resolve("model")), 5L);
        Path calibration = dir.resolve("calibration.jsonl");
        Files.write(calibration, Files.readAllLines(CALIBRATION).subList(0, 20));
        Path out = dir.resolve("out");
        int code = Main.run("bitmixer-train", "--model", model.toString(), "--calibration", calibration.toString(),
                "--out", out.toString(), "--work", dir.resolve("work").toString(), "--steps", "4",
                "--uniform-steps", "2", "--batch", "2", "--seq", "16", "--eval-windows", "2", "--log-every", "1");
        assertThat(code).isZero();

        BitMixerArtefact.Manifest manifest = BitMixerArtefact.manifest(out);
        assertThat(manifest.method()).isEqualTo("bit-mixer");
        assertThat(manifest.steps()).isEqualTo(4);
        assertThat(manifest.pytorchIntraOpThreads()).isPositive();
        assertThat(manifest.calibrationSha256()).isEqualTo(Hashes.sha256Hex(calibration));
        assertThat(manifest.weightsSha256()).isEqualTo(Hashes.sha256Hex(out.resolve("weights.safetensors")));
        assertThat(manifest.command()).startsWith("pmpd bitmixer-train --model ")
                .contains("--steps 4").contains("--seed ");
        assertThat(manifest.trainingLog()).hasSize(4);
        assertThat(manifest.calibrationLossBefore()).containsKey("2bit");

        LlamaConfig config;
        try (CheckpointDirectory c = CheckpointDirectory.open(model)) {
            config = c.config();
        }
        String modelSha = manifest.baseModelSha256();
        BitMixerWeights weights = BitMixerArtefact.read(out, config, modelSha);
        assertThat(weights.bitWidths()).containsExactly(2, 3, 4, 5);
        // One policy per nominal width whose next width is trained too, each at Any-Precision's bytes there.
        assertThat(BitMixerModel.of(weights).policies()).containsOnlyKeys("bit-mixer-2", "bit-mixer-3",
                "bit-mixer-4");

        assertThatThrownBy(() -> BitMixerArtefact.read(out, config, "0".repeat(64)))
                .hasMessageContaining("base_model_sha256").hasMessageContaining(modelSha);
        Files.write(out.resolve("weights.safetensors"), new byte[] {0}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> BitMixerArtefact.read(out, config, modelSha))
                .hasMessageContaining("weights_sha256").hasMessageContaining(manifest.weightsSha256());
        assertThat(List.of(out.toFile().list())).containsExactlyInAnyOrder("weights.safetensors", "manifest.json");
    }

    @Test
    @DisplayName("bitmixer-train --blockwise writes an artefact the back-bone reads, its command naming the mode")
    void blockwiseWritesAnArtefactToo(@TempDir Path dir) throws Exception {
        Path model = RandomModelDirectory.write(Files.createDirectories(dir.resolve("model")), 5L);
        Path calibration = dir.resolve("calibration.jsonl");
        Files.write(calibration, Files.readAllLines(CALIBRATION).subList(0, 20));
        Path out = dir.resolve("out");
        String[] args = {"bitmixer-train", "--model", model.toString(), "--calibration", calibration.toString(),
            "--out", out.toString(), "--work", dir.resolve("work").toString(), "--steps", "3", "--uniform-steps", "1",
            "--batch", "2", "--seq", "16", "--eval-windows", "2", "--log-every", "1", "--blockwise"};
        assertThat(Main.run(args)).isZero();
        BitMixerArtefact.Manifest manifest = BitMixerArtefact.manifest(out);
        assertThat(manifest.command()).endsWith(" --blockwise");
        LlamaConfig config;
        try (CheckpointDirectory c = CheckpointDirectory.open(model)) {
            config = c.config();
        }
        assertThat(manifest.trainingLog()).hasSize(3 * config.numLayers());
        BitMixerWeights weights = BitMixerArtefact.read(out, config, manifest.baseModelSha256());
        assertThat(BitMixerModel.of(weights).policies()).containsOnlyKeys("bit-mixer-2", "bit-mixer-3",
                "bit-mixer-4");

        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.run("bitmixer-train", "--model", model.toString(), "--calibration", calibration.toString(),
                    "--out", dir.resolve("out2").toString(), "--work", dir.resolve("work2").toString(), "--steps",
                    "3", "--uniform-steps", "1", "--stop-at", "2", "--blockwise");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isNotZero();
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--stop-at").contains("--blockwise");
        assertThat(dir.resolve("out2")).doesNotExist();
    }
}
