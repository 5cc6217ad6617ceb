package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.LinearId;

/** The search on a tiny random model: budgets met exactly, reproducible from its seed, resumable. */
@Tag("unit")
class HaqSearchTest {

    /** k-means bytes per decode step computed here, from the layer shapes, not by the code under test. */
    private static long kMeansBytes(Map<LinearId, Integer> bits) {
        long h = TinySearch.CONFIG.hiddenSize();
        long kv = TinySearch.CONFIG.kvDim();
        long inter = TinySearch.CONFIG.intermediateSize();
        long bytes = 0;
        for (Map.Entry<LinearId, Integer> e : bits.entrySet()) {
            Linear p = e.getKey().proj();
            long rows = p == Linear.K || p == Linear.V ? kv : p == Linear.Q || p == Linear.O || p == Linear.DOWN ? h
                    : inter;
            long cols = p == Linear.DOWN ? inter : h;
            int b = e.getValue();
            bytes += Math.ceilDiv(rows * cols * b, 8) + 2 * rows * (1L << b);
        }
        return bytes;
    }

    private static Map<LinearId, Integer> uniform(int b) {
        Map<LinearId, Integer> out = new java.util.HashMap<>();
        LinearId.all(TinySearch.CONFIG).forEach(id -> out.put(id, b));
        return out;
    }

    @Test
    void everyEvaluatedPolicyAndTheResultReadAtMostAnyPrecisionsBytesAtTheNominalWidth() {
        HaqSearch search = TinySearch.search(QuantScheme.KMEANS);
        for (int nominal : new int[] {4, 3, 2}) {
            SearchResult r = search.run(TinySearch.config(nominal, 5, 1), null, line -> {});
            long budget = kMeansBytes(uniform(nominal));
            assertThat(r.budgetBytes()).isEqualTo(budget);
            assertThat(kMeansBytes(r.policy().bits())).as("nominal %d", nominal).isEqualTo(r.bytes())
                    .isLessThanOrEqualTo(budget);
            assertThat(r.policy().name()).isEqualTo("haq-" + nominal);
            r.policy().requireCovers(TinySearch.CONFIG);
            List<LinearId> ids = LinearId.all(TinySearch.CONFIG);
            for (EpisodeRecord e : r.log()) {
                Map<LinearId, Integer> bits = new java.util.HashMap<>();
                for (int i = 0; i < ids.size(); i++) {
                    bits.put(ids.get(i), e.bits().get(i));
                }
                assertThat(kMeansBytes(bits)).isEqualTo(e.bytes()).isLessThanOrEqualTo(budget);
                assertThat(e.bits()).allMatch(b -> b >= 1 && b <= 8);
            }
            assertThat(r.reward()).isEqualTo(r.log().stream().mapToDouble(EpisodeRecord::reward).max().orElseThrow());
        }
    }

    @Test
    void theSameSeedGivesIdenticalPoliciesAndLogs() {
        SearchResult a = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config(3, 6, 7), null, line -> {});
        SearchResult b = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config(3, 6, 7), null, line -> {});
        assertThat(b.policy()).isEqualTo(a.policy());
        assertThat(b.log()).isEqualTo(a.log());
        List<LinearId> ids = LinearId.all(TinySearch.CONFIG);
        assertThat(SearchLogCsv.format(ids, b.log())).isEqualTo(SearchLogCsv.format(ids, a.log()));
    }

    @Test
    void aSearchWhoseMatricesAreSpilledToFilesEndsExactlyAsOneHoldingThemOnTheHeap(@TempDir Path spill)
            throws Exception {
        SearchConfig config = TinySearch.config(3, 5, 11);
        SearchResult held = TinySearch.search(QuantScheme.KMEANS).run(config, null, line -> {});
        HaqSearch spilling = new HaqSearch(TinySearch.model(), QuantScheme.KMEANS, TinySearch.calibration(),
                ai.djl.Device.cpu(), 4, spill);
        SearchResult spilled = spilling.run(config, null, line -> {});
        assertThat(spilled.policy()).isEqualTo(held.policy());
        assertThat(spilled.log()).isEqualTo(held.log());
        try (var files = java.nio.file.Files.list(spill)) {
            // One file per (matrix, width) the episodes tried: at least every matrix once.
            assertThat(files.count()).isGreaterThanOrEqualTo(LinearId.all(TinySearch.CONFIG).size());
        }
    }

    @Test
    void aSpilledMatrixReadsBackTheCodesAndTableItWasMadeWith(@TempDir Path dir) throws Exception {
        org.pmpdrepro.model.Tensor w = TinySearch.model().tensor(new LinearId(1, Linear.DOWN).weightName());
        for (QuantScheme scheme : QuantScheme.values()) {
            for (int bits : new int[] {2, 5, 8}) {
                QuantizedRows q = QuantizedRows.quantize(w, bits, scheme);
                QuantizedRows back = q.spillTo(dir.resolve(scheme.id() + bits));
                assertThat(back.spilled()).isTrue();
                assertThat(q.spilled()).isFalse();
                assertThat(back.codes()).isEqualTo(q.codes());
                assertThat(back.table()).isEqualTo(q.table());
                assertThat(back.dequantize("w").data()).isEqualTo(q.dequantize("w").data());
                assertThat(java.nio.file.Files.size(dir.resolve(scheme.id() + bits)))
                        .isEqualTo((long) q.rows() * q.cols() + 2 * q.tableEntries(bits));
            }
        }
    }

    @Test
    void aSpillFileCutShortIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        org.pmpdrepro.model.Tensor w = TinySearch.model().tensor(new LinearId(0, Linear.Q).weightName());
        Path file = dir.resolve("q");
        QuantizedRows back = QuantizedRows.quantize(w, 3, QuantScheme.KMEANS).spillTo(file);
        byte[] all = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.write(file, java.util.Arrays.copyOf(all, all.length - 3));
        assertThatThrownBy(back::table).hasMessageContaining(file.toString()).hasMessageContaining("ends at byte");
    }

    @Test
    void anotherSeedExploresOtherPolicies() {
        SearchResult a = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config(3, 4, 7), null, line -> {});
        SearchResult b = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config(3, 4, 8), null, line -> {});
        assertThat(b.log().stream().map(EpisodeRecord::bits).toList())
                .isNotEqualTo(a.log().stream().map(EpisodeRecord::bits).toList());
    }

    @Test
    void aSearchStoppedAfterAnEpisodeResumesToTheSameResultAsAnUninterruptedOne(@TempDir Path dir) {
        SearchConfig config = TinySearch.config(3, 6, 3);
        SearchResult whole = TinySearch.search(QuantScheme.KMEANS).run(config, null, line -> {});
        Path checkpoint = dir.resolve("haq-3.ckpt");
        List<String> lines = new ArrayList<>();
        assertThatThrownBy(() -> TinySearch.search(QuantScheme.KMEANS).run(config, checkpoint, line -> {
            lines.add(line);
            if (lines.size() == 4) {
                throw new IllegalStateException("stopped");
            }
        })).hasMessage("stopped");
        List<String> resumed = new ArrayList<>();
        SearchResult r = TinySearch.search(QuantScheme.KMEANS).run(config, checkpoint, resumed::add);
        assertThat(resumed.get(0)).contains("resuming").contains("after episode 4");
        assertThat(r.log()).isEqualTo(whole.log());
        assertThat(r.policy()).isEqualTo(whole.policy());
    }

    @Test
    void aCheckpointOfAnotherSearchIsIgnored(@TempDir Path dir) {
        Path checkpoint = dir.resolve("x.ckpt");
        TinySearch.search(QuantScheme.KMEANS).run(TinySearch.config(3, 3, 3), checkpoint, line -> {});
        List<String> lines = new ArrayList<>();
        SearchResult r = TinySearch.search(QuantScheme.KMEANS).run(TinySearch.config(3, 3, 4), checkpoint,
                lines::add);
        assertThat(lines.get(0)).contains("belongs to another search");
        assertThat(r.log()).hasSize(3);
    }

    @Test
    void actionsMapToWidthsWithEqualSharesOfTheUnitInterval() {
        SearchConfig c = new SearchConfig("haq-x", 3, 2, 5, 1, 0, TinySearch.AGENT);
        assertThat(c.bitsFor(0.0)).isEqualTo(2);
        assertThat(c.bitsFor(0.24)).isEqualTo(2);
        assertThat(c.bitsFor(0.26)).isEqualTo(3);
        assertThat(c.bitsFor(0.74)).isEqualTo(4);
        assertThat(c.bitsFor(0.76)).isEqualTo(5);
        assertThat(c.bitsFor(1.0)).isEqualTo(5);
    }
}
