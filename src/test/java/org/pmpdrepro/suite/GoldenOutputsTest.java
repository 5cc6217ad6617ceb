package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GoldenOutputsTest {

    static final GoldenOutputs OUTPUTS = new GoldenOutputs(List.of(
            new GoldenOutputs.Prompt("debsum-1", GoldenOutputs.tokenHash(List.of(5, 17, 2)), "tool for \"x\"\nand y"),
            new GoldenOutputs.Prompt("debsum-2", GoldenOutputs.tokenHash(List.of()), "")));

    @Test
    void outputsSurviveWritingAndReadingAndEqualOutputsGiveEqualBytes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("o.jsonl.gz");
        OUTPUTS.write(f);
        assertThat(GoldenOutputs.read(f)).isEqualTo(OUTPUTS);
        assertThat(OUTPUTS.toBytes()).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void theTokenHashIsTheSha256OfTheSpaceSeparatedIdsCutTo64Bits() {
        // printf '5 17 2' | sha256sum
        assertThat(GoldenOutputs.tokenHash(List.of(5, 17, 2))).isEqualTo(
                org.pmpdrepro.io.Hashes.sha256Hex("5 17 2").substring(0, 16)).hasSize(16);
        assertThat(GoldenOutputs.tokenHash(List.of(5, 17, 2))).isNotEqualTo(GoldenOutputs.tokenHash(List.of(51, 72)));
    }

    @Test
    void aFileThatIsNotGzipOrLacksAFieldIsRefusedNamingFileLineAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("o.jsonl.gz");
        Files.writeString(f, "{\"id\": \"x\"}\n");
        assertThatThrownBy(() -> GoldenOutputs.read(f)).hasMessageContaining(f + ": not a gzip file");
        Files.write(f, gzip("{\"id\": \"x\", \"tokens\": \"ab\", \"text\": \"t\"}\n{\"id\": \"y\", \"text\": 3}\n"));
        assertThatThrownBy(() -> GoldenOutputs.read(f)).hasMessageContaining(f + ":2: text: 3: expected a string");
        Files.write(f, gzip("{\"id\": \"y\", \"text\": \"t\"}\n"));
        assertThatThrownBy(() -> GoldenOutputs.read(f)).hasMessageContaining(f + ":1: tokens: missing; expected a string");
        Files.write(f, gzip("{\"id\": \"x\", \"tokens\": \"ab\", \"text\": \"t\", \"seed\": 1}\n"));
        assertThatThrownBy(() -> GoldenOutputs.read(f)).hasMessageContaining(f + ":1: seed: unknown field");
        Files.write(f, gzip("{\"id\": \"x\", \"tokens\": \"ab\", \"text\": \"t\"}\n{\"id\": \"x\", \"tokens\": \"ab\","
                + " \"text\": \"u\"}\n"));
        assertThatThrownBy(() -> GoldenOutputs.read(f)).hasMessageContaining("prompt x twice");
        assertThatThrownBy(() -> GoldenOutputs.read(dir.resolve("absent.gz"))).hasMessageContaining("does not exist");
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void everyCommittedOutputsFileReadsAndWritesBackByteForByte() throws Exception {
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(Path.of("golden", "outputs"))) {
            files = walk.filter(p -> p.toString().endsWith(".jsonl.gz")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(100);
        for (Path f : files) {
            assertThat(GoldenOutputs.read(f).toBytes()).as(f.toString()).isEqualTo(Files.readAllBytes(f));
        }
    }
}
