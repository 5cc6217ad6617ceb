package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.metrics.PairedBootstrap;

/** Two shards updating one golden file at once, as two Maven runs on one checkout do. */
@Tag("unit")
class GoldenUpdateConcurrencyTest {

    @TempDir
    Path dir;

    /** An update-mode session over {@code schedulers} of A1; like a shard, it reads the golden file when it starts. */
    SuiteSession shard(Set<String> schedulers) {
        CellSelection only = new CellSelection(Set.of(), Set.of(), schedulers, Set.of(), Set.of(), 1, 1);
        return new SuiteSession(new SuiteSession.Config(SuiteSessionTest.grid(), only, dir.resolve("goldens.csv"), true,
                dir.resolve("findings-" + schedulers.hashCode()), new PairedBootstrap.Config(200, 7L),
                ClaimsFile.read(ClaimsFile.DEFAULT_FILE), ConfigurationGrid.parse("threads:2").withDecodesPerTask(0), false),
                SuiteSessionTest.runner(0), SuiteListener.NONE);
    }

    @Test
    void anUpdateRemovesTheTemporaryFileAKilledUpdateLeftBesideTheGoldens() throws Exception {
        Path killed = Files.writeString(dir.resolve(".goldens.csv.4711.tmp"), "ablation,cell,met");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        SuiteSession s = shard(Set.of("static", "none-high"));
        s.cells(SuiteSessionTest.A1).forEach(s::verify);
        s.finish(SuiteSessionTest.A1);
        assertThat(killed).doesNotExist();
        assertThat(GoldenFile.read(dir.resolve("goldens.csv")).size()).isEqualTo(2);
    }

    @Test
    void twoShardsFinishingAtOnceKeepEachOthersRows() throws Exception {
        for (int round = 0; round < 5; round++) {
            SuiteSession first = shard(Set.of("static", "none-high"));
            SuiteSession second = shard(Set.of("none-low", "phase-aware-only"));
            for (SuiteSession s : List.of(first, second)) {
                s.cells(SuiteSessionTest.A1).forEach(s::verify);
            }
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Path>> done = List.of(first, second).stream().map(s -> pool.submit(() -> {
                    together.await();
                    return s.finish(SuiteSessionTest.A1);
                })).toList();
                for (Future<Path> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            GoldenFile g = GoldenFile.read(dir.resolve("goldens.csv"));
            assertThat(g.size()).as("round " + round).isEqualTo(4);
            ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(dir.resolve(ConfigurationSpread.FILE_NAME));
            for (String s : List.of("static", "none-high", "none-low", "phase-aware-only")) {
                assertThat(g.find(SuiteSessionTest.a1(s).id())).as(s).isPresent();
                assertThat(GoldenOutputs.read(g.find(SuiteSessionTest.a1(s).id()).orElseThrow().outputsFile()).size())
                        .isEqualTo(40);
                assertThat(spread.rows()).as("spread of " + s)
                        .anyMatch(r -> r.cell().equals(SuiteSessionTest.a1(s).id()));
            }
        }
    }
}
