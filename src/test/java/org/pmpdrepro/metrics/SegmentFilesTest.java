package org.pmpdrepro.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading segment files the way sacrebleu's command line does, and refusing what it cannot score. */
@Tag("unit")
class SegmentFilesTest {

    @TempDir
    Path dir;

    @Test
    void linesEndAtNewlinesWithTrailingWhitespaceAndCarriageReturnsStripped() throws IOException {
        Path f = dir.resolve("crlf.txt");
        Files.writeString(f, "first line  \r\nsecond\r\n\r\nlast without newline");
        assertThat(SegmentFiles.read(f)).containsExactly("first line", "second", "", "last without newline");
    }

    @Test
    void aFinalNewlineDoesNotAddASegmentButAnEmptyLineIsOne() throws IOException {
        Path f = dir.resolve("a.txt");
        Files.writeString(f, "\n");
        assertThat(SegmentFiles.read(f)).containsExactly("");
    }

    @Test
    void invalidUtf8IsReportedWithByteOffsetAndLine() throws IOException {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'o', 'k', '\n', 'a', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> SegmentFiles.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.txt: not valid UTF-8 at byte offset 4 (line 2): byte 0xC3");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedNamingItAndTheLimit() throws IOException {
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "a\n".repeat(600), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SegmentFiles.read(big, 1024)).isInstanceOf(IOException.class)
                .hasMessage(big + ": larger than 1024 bytes, the most a segment file may hold");
        assertThat(SegmentFiles.read(big, 1200)).hasSize(600);
    }

    @Test
    void emptyFilesDirectoriesAndMismatchedReferencesAreRefused() throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> SegmentFiles.read(empty)).hasMessageContaining("empty.txt: is empty");
        assertThatThrownBy(() -> SegmentFiles.read(dir)).hasMessageContaining("directory");
        Path two = dir.resolve("two.txt");
        Files.writeString(two, "a\nb\n", StandardCharsets.UTF_8);
        Path one = dir.resolve("one.txt");
        Files.writeString(one, "a\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SegmentFiles.readCorpus(two, List.of(two, one)))
                .hasMessageContaining("two.txt has 2 lines but").hasMessageContaining("one.txt has 1");
        assertThat(SegmentFiles.readCorpus(two, List.of(two, two)).referenceStreams()).hasSize(2);
    }
}
