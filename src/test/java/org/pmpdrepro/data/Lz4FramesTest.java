package org.pmpdrepro.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The frames Debian ships, decoded by commons-compress behind {@link Lz4Frames}. */
@Tag("unit")
class Lz4FramesTest {

    private static final Path SAMPLE = DebianDescriptionsTest.SAMPLE;

    private static byte[] decode(byte[] frame) throws IOException {
        try (InputStream in = Lz4Frames.open(new ByteArrayInputStream(frame), "f.lz4")) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("a linked-block frame from the lz4 tool decodes to the exact original bytes")
    void decodesLinkedBlocks() throws IOException {
        byte[] frame = Files.readAllBytes(SAMPLE.resolve("bookworm-main-Translation-fr.lz4"));
        assertThat(decode(frame)).isEqualTo(Files.readAllBytes(SAMPLE.resolve("Translation-fr.txt")));
    }

    @Test
    @DisplayName("concatenated frames decode to the concatenated contents")
    void concatenatedFrames() throws IOException {
        byte[] frame = Files.readAllBytes(SAMPLE.resolve("bookworm-main-Translation-fr.lz4"));
        byte[] twice = Arrays.copyOf(frame, frame.length * 2);
        System.arraycopy(frame, 0, twice, frame.length, frame.length);
        byte[] plain = Files.readAllBytes(SAMPLE.resolve("Translation-fr.txt"));
        assertThat(decode(twice)).hasSize(plain.length * 2).startsWith(plain).endsWith(plain);
    }

    @Test
    @DisplayName("a flipped byte fails a checksum instead of yielding wrong text")
    void corruptionDetected() throws IOException {
        byte[] frame = Files.readAllBytes(SAMPLE.resolve("bookworm-main-Translation-en.lz4"));
        frame[frame.length / 2] ^= 0x5A;
        assertThatThrownBy(() -> decode(frame))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("f.lz4: corrupt or truncated LZ4 frame");
    }

    @Test
    @DisplayName("a truncated frame is an error, not a short read")
    void truncationDetected() throws IOException {
        byte[] frame = Files.readAllBytes(SAMPLE.resolve("bookworm-main-Translation-fr.lz4"));
        assertThatThrownBy(() -> decode(Arrays.copyOf(frame, frame.length - 3)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("f.lz4: corrupt or truncated LZ4 frame");
    }

    @Test
    @DisplayName("data that is not an lz4 frame is rejected with the magic it found")
    void wrongMagic() {
        assertThatThrownBy(() -> decode(new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("f.lz4: not an LZ4 frame");
    }
}
