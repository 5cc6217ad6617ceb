package org.pmpdrepro.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is refused on opening (or reading) with a message naming file, tensor and problem. */
@Tag("unit")
class SafetensorsMalformedTest {

    @TempDir
    Path dir;

    private static final byte[] EIGHT_FLOATS = RawSafetensors.floats(1, 2, 3, 4, 5, 6, 7, 8);

    private Path file(String headerJson, byte[] data) throws IOException {
        return RawSafetensors.write(dir.resolve("bad.safetensors"), headerJson, data);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Path file) {
        return assertThatThrownBy(() -> {
                    try (SafetensorsFile f = SafetensorsFile.open(file)) {
                        f.names();
                    }
                })
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    @DisplayName("a file shorter than the 8-byte length prefix is refused")
    void tooShortForPrefix() throws IOException {
        Path f = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertRejected(f).hasMessageContaining("3 bytes").hasMessageContaining("at least the 8-byte header length");
    }

    @Test
    @DisplayName("a header length larger than the file is refused as truncated")
    void headerLengthBeyondFile() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.US_ASCII);
        Path f = RawSafetensors.write(dir.resolve("long.safetensors"), 5000, header, new byte[0]);
        assertRejected(f).hasMessageContaining("header length is 5000")
                .hasMessageContaining("only 2 bytes after the 8-byte length prefix");
    }

    @Test
    @DisplayName("a header length of zero is refused")
    void headerLengthZero() throws IOException {
        Path f = RawSafetensors.write(dir.resolve("zero.safetensors"), 0, new byte[0], new byte[16]);
        assertRejected(f).hasMessageContaining("header length is 0");
    }

    @Test
    @DisplayName("a header length that is negative as a signed long (a huge u64) is refused, printed unsigned")
    void headerLengthHugeUnsigned() throws IOException {
        Path f = RawSafetensors.write(dir.resolve("neg.safetensors"), -1L, "{}".getBytes(StandardCharsets.US_ASCII),
                new byte[0]);
        assertRejected(f).hasMessageContaining("header length is 18446744073709551615")
                .hasMessageContaining("at most 100000000");
    }

    @Test
    @DisplayName("a header length above the 100 MB cap is refused before anything is allocated")
    void headerLengthAboveCap() throws IOException {
        Path f = RawSafetensors.write(dir.resolve("cap.safetensors"), 200_000_000L,
                "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        assertRejected(f).hasMessageContaining("200000000").hasMessageContaining("at most 100000000");
    }

    @Test
    @DisplayName("truncated header JSON is refused as invalid JSON")
    void truncatedJson() throws IOException {
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("header is not valid JSON");
    }

    @Test
    @DisplayName("a header that is a JSON array rather than an object is refused")
    void headerNotAnObject() throws IOException {
        assertRejected(file("[1,2]", EIGHT_FLOATS)).hasMessageContaining("a JSON array")
                .hasMessageContaining("expected a JSON object");
    }

    @Test
    @DisplayName("a tensor named twice in the header is refused")
    void duplicateTensorKeys() throws IOException {
        String e = RawSafetensors.entry("w", "F32", "[2]", 0, 8);
        assertRejected(file("{" + e + "," + e + "}", EIGHT_FLOATS)).hasMessageContaining("Duplicate field 'w'");
    }

    @Test
    @DisplayName("data offsets past the end of the data region are refused")
    void offsetsOutsideDataRegion() throws IOException {
        Path f = file("{" + RawSafetensors.entry("model.w", "F32", "[4,4]", 0, 64) + "}", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("tensor 'model.w'").hasMessageContaining("[0,64]")
                .hasMessageContaining("outside the data region of 32 bytes");
    }

    @Test
    @DisplayName("data offsets with begin after end are refused")
    void beginAfterEnd() throws IOException {
        Path f = file("{" + RawSafetensors.entry("w", "F32", "[2]", 16, 8) + "}", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("tensor 'w'").hasMessageContaining("begin > end");
    }

    @Test
    @DisplayName("a byte range that does not match shape times element width is refused")
    void sizeShapeMismatch() throws IOException {
        Path f = file("{" + RawSafetensors.entry("w", "F16", "[3,2]", 0, 8) + "}", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("tensor 'w'").hasMessageContaining("span 8 bytes")
                .hasMessageContaining("[3, 2] of F16 needs 6 x 2 = 12 bytes");
    }

    @Test
    @DisplayName("overlapping tensors are refused, naming both")
    void overlappingTensors() throws IOException {
        Path f = file("{" + RawSafetensors.entry("a", "F32", "[4]", 0, 16) + ","
                + RawSafetensors.entry("b", "F32", "[4]", 8, 24) + "}", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("tensor 'b'").hasMessageContaining("overlap tensor 'a'");
    }

    @Test
    @DisplayName("an unknown dtype is refused, listing the known ones")
    void unknownDtype() throws IOException {
        Path f = file("{" + RawSafetensors.entry("w", "F12", "[2]", 0, 8) + "}", EIGHT_FLOATS);
        assertRejected(f).hasMessageContaining("tensor 'w'").hasMessageContaining("unknown dtype 'F12'")
                .hasMessageContaining("BF16");
    }

    @Test
    @DisplayName("a negative or fractional dimension is refused")
    void badShape() throws IOException {
        assertRejected(file("{" + RawSafetensors.entry("w", "F32", "[-2]", 0, 8) + "}", EIGHT_FLOATS))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("non-negative integer");
        assertRejected(file("{" + RawSafetensors.entry("w", "F32", "[2.5]", 0, 8) + "}", EIGHT_FLOATS))
                .hasMessageContaining("dimension 0 = 2.5");
    }

    @Test
    @DisplayName("an entry without data_offsets is refused")
    void missingOffsets() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", EIGHT_FLOATS))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("'data_offsets' is missing");
    }

    @Test
    @DisplayName("non-string metadata values are refused")
    void badMetadata() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"format\":3}}", new byte[0]))
                .hasMessageContaining("__metadata__ entry 'format'").hasMessageContaining("expected a string");
    }

    @Test
    @DisplayName("asking for a tensor the file lacks names the file and the tensor")
    void missingTensor() throws IOException {
        Path f = file("{" + RawSafetensors.entry("w", "F32", "[2]", 0, 8) + "}", EIGHT_FLOATS);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThatThrownBy(() -> sf.readFloats("v")).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("tensor 'v'")
                    .hasMessageContaining("no such tensor");
            assertThat(sf.readFloats("w")).containsExactly(1f, 2f);
        }
    }

    @Test
    @DisplayName("a slice outside the tensor is refused")
    void sliceOutside() throws IOException {
        Path f = file("{" + RawSafetensors.entry("w", "F32", "[2]", 0, 8) + "}", EIGHT_FLOATS);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThatThrownBy(() -> sf.readFloats("w", 1, 2)).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("tensor 'w'").hasMessageContaining("slice [1, 3) is outside its 2 elements");
        }
    }

    @Test
    @DisplayName("a file that does not exist is reported as missing, not as malformed")
    void absentFile() {
        Path f = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("absent.safetensors");
    }
}
