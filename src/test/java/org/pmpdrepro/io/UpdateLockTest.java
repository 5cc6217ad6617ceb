package org.pmpdrepro.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class UpdateLockTest {

    /** A second process: takes the lock on args[0], appends args[1] to it, and exits. */
    public static final class Updater {
        public static void main(String[] args) throws IOException {
            Path file = Path.of(args[0]);
            System.out.println("waiting");
            System.out.flush();
            try (UpdateLock lock = UpdateLock.acquire(file)) {
                Files.writeString(file, args[1] + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    @Test
    @DisplayName("another process waits for the lock and updates the file only after this one released it")
    void anotherProcessWaits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goldens.csv");
        Process child;
        try (UpdateLock lock = UpdateLock.acquire(file)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Updater.class.getName(),
                    file.toString(), "second").redirectErrorStream(true).start();
            assertThat(new String(child.getInputStream().readNBytes(8))).isEqualTo("waiting\n");
            assertThat(child.waitFor(1500, TimeUnit.MILLISECONDS)).as("the child got the lock while it was held")
                    .isFalse();
            Files.writeString(file, "first\n");
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(Files.readAllLines(file)).containsExactly("first", "second");
        assertThat(dir.resolve(".goldens.csv.lock")).exists();
    }

    @Test
    @DisplayName("threads of one JVM queue on the lock instead of failing with an overlapping file lock")
    void threadsQueue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goldens.csv");
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try (UpdateLock lock = UpdateLock.acquire(file)) {
                    String before = Files.exists(file) ? Files.readString(file) : "";
                    Thread.sleep(20);
                    Files.writeString(file, before + id + "\n");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(Files.readAllLines(file)).hasSize(4).containsExactlyInAnyOrder("0", "1", "2", "3");
    }
}
