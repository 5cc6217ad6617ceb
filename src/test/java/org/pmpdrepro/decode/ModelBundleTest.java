package org.pmpdrepro.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.eval.RandomModelDirectory;
import org.pmpdrepro.model.ModelFiles;

/** Opening model directories: identity hashes and the refusal of incomplete directories. */
@Tag("unit")
class ModelBundleTest {

    @TempDir
    Path dir;

    @Test
    void identityDependsOnTheFilesNotOnWhereTheDirectoryLies() throws IOException {
        Path a = RandomModelDirectory.write(dir.resolve("a"), 5L);
        Path b = RandomModelDirectory.write(dir.resolve("elsewhere").resolve("b"), 5L);
        Path other = RandomModelDirectory.write(dir.resolve("other"), 6L);
        try (ModelBundle ma = ModelBundle.open(a, DeviceChoice.CPU);
                ModelBundle mb = ModelBundle.open(b, DeviceChoice.CPU);
                ModelBundle mo = ModelBundle.open(other, DeviceChoice.CPU)) {
            assertThat(mb.identity().sha256()).isEqualTo(ma.identity().sha256()).hasSize(64);
            assertThat(mo.identity().sha256()).isNotEqualTo(ma.identity().sha256());
            assertThat(ma.identity().files()).containsOnlyKeys("config.json", "model.safetensors", "tokenizer.json",
                    "tokenizer_config.json");
            assertThat(mo.identity().files().get("tokenizer.json")).isEqualTo(ma.identity().files().get("tokenizer.json"));
            assertThat(mo.identity().files().get("model.safetensors"))
                    .isNotEqualTo(ma.identity().files().get("model.safetensors"));
        }
    }

    @Test
    void theFilesAloneServeAQuantizerAndThenTheBundleOnTheSameOpenFiles() throws IOException {
        Path m = RandomModelDirectory.write(dir.resolve("m"), 5L);
        String identity;
        try (ModelBundle opened = ModelBundle.open(m, DeviceChoice.CPU)) {
            identity = opened.identity().sha256();
        }
        ModelFiles files = ModelFiles.open(m);
        assertThat(files.identity().sha256()).isEqualTo(identity);
        assertThat(files.config()).isEqualTo(RandomModelDirectory.CONFIG);
        assertThat(files.tokenizer().vocabSize()).isEqualTo(4096);
        try (ModelBundle bundle = ModelBundle.open(files, DeviceChoice.CPU, DenseWeightProvider::new)) {
            assertThat(bundle.files()).isSameAs(files);
            assertThat(bundle.checkpoint()).isSameAs(files.checkpoint());
            assertThat(bundle.identity().sha256()).isEqualTo(identity);
            assertThat(bundle.model().config()).isEqualTo(files.config());
        }
    }

    @Test
    void bundleExposesModelTokenizerAndDevice() throws IOException {
        try (ModelBundle m = ModelBundle.open(RandomModelDirectory.write(dir.resolve("m"), 5L), DeviceChoice.CPU)) {
            assertThat(m.device()).isEqualTo("cpu()");
            assertThat(m.config()).isEqualTo(RandomModelDirectory.CONFIG);
            assertThat(m.tokenizer().vocabSize()).isEqualTo(4096);
            assertThat(m.tokenizer().bosId()).isEqualTo(1);
            assertThat(m.model().config()).isEqualTo(m.config());
        }
    }

    @Test
    void aMissingDirectoryIsRefusedByName() {
        Path missing = dir.resolve("no-such-model");
        assertThatThrownBy(() -> ModelBundle.open(missing, DeviceChoice.CPU)).isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void aDirectoryWithoutTokenizerIsRefusedByName() throws IOException {
        Path m = RandomModelDirectory.write(dir.resolve("m"), 5L);
        Files.delete(m.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelBundle.open(m, DeviceChoice.CPU)).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void aDirectoryWithoutWeightsIsRefused() throws IOException {
        Path m = RandomModelDirectory.write(dir.resolve("m"), 5L);
        Files.delete(m.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelBundle.open(m, DeviceChoice.CPU)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors");
    }
}
