package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class StaleScratchTest {

    @TempDir
    Path dir;

    /** Dated an hour back, as scratch a run killed before this JVM started is. */
    static Path old(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return p;
    }

    @Test
    @DisplayName("only old, unlocked scratch of the given naming goes; what a live writer holds or just wrote stays")
    void onlyUnownedOldScratchIsRemoved() throws IOException {
        Path target = dir.resolve("goldens.csv");
        Path killed = old(Files.writeString(dir.resolve(".goldens.csv.123.tmp"), "half a file"));
        Path fresh = Files.writeString(dir.resolve(".goldens.csv.456.tmp"), "being written");
        Path other = old(Files.writeString(dir.resolve(".grid.csv.789.tmp"), "another file's scratch"));
        Path held = old(Files.writeString(dir.resolve(".goldens.csv.999.tmp"), "locked by its writer"));
        try (FileChannel writer = FileChannel.open(held, StandardOpenOption.WRITE)) {
            writer.lock();
            old(held);
            assertThat(StaleScratch.remove(dir, name -> AtomicFiles.isScratchOf(target, name))).containsExactly(killed);
        }
        assertThat(killed).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).exists();
        assertThat(held).exists();
    }

    @Test
    @DisplayName("a scratch directory is stale once its claim is gone, and a claim leaves no file behind")
    void claimedDirectoriesStay() throws IOException {
        Path claimed = Files.createDirectory(dir.resolve(".entry.tmp-1"));
        Path abandoned = Files.createDirectory(dir.resolve(".entry.tmp-2"));
        StaleScratch.Claim claim = StaleScratch.claim(claimed);
        StaleScratch.Claim dropped = StaleScratch.claim(abandoned);
        Files.writeString(abandoned.resolve("weights"), "x");
        dropped.close();
        old(claimed);
        old(abandoned);
        try {
            assertThat(StaleScratch.remove(dir, name -> name.contains(".tmp-"))).containsExactly(abandoned);
            assertThat(claimed).isDirectory();
        } finally {
            claim.close();
        }
        assertThat(claimed.resolve(StaleScratch.OWNER)).doesNotExist();
        assertThat(StaleScratch.remove(dir.resolve("absent"), name -> true)).isEmpty();
    }
}
