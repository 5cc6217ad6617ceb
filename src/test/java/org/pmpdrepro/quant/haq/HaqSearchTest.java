package org.pmpdrepro.quant.haq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.model.WeightNames.Linear;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;

/** The search on a tiny random model: budgets met exactly, reproducible from its seed, resumable. */
class HaqSearchTest {

    /** Average bits computed here, from the layer shapes, not by the code under test. */
    private static BigDecimal[] weightedAndTotal(BitPolicy policy) {
        long h = TinySearch.CONFIG.hiddenSize();
        long kv = TinySearch.CONFIG.kvDim();
        long inter = TinySearch.CONFIG.intermediateSize();
        long weighted = 0;
        long total = 0;
        for (Map.Entry<LinearId, Integer> e : policy.bits().entrySet()) {
            Linear p = e.getKey().proj();
            long n = p == Linear.K || p == Linear.V ? h * kv : p == Linear.Q || p == Linear.O ? h * h : h * inter;
            weighted += n * e.getValue();
            total += n;
        }
        return new BigDecimal[] {BigDecimal.valueOf(weighted), BigDecimal.valueOf(total)};
    }

    @Test
    void everyEvaluatedPolicyAndTheResultMeetTheirBudgetExactly() {
        HaqSearch search = TinySearch.search(QuantScheme.KMEANS);
        for (String budget : new String[] {"4", "3", "2"}) {
            SearchResult r = search.run(TinySearch.config(budget, 5, 1), null, line -> {});
            BigDecimal[] wt = weightedAndTotal(r.policy());
            assertThat(wt[0]).as("budget %s", budget).isLessThanOrEqualTo(new BigDecimal(budget).multiply(wt[1]));
            assertThat(r.policy().averageBits(TinySearch.CONFIG)).isLessThanOrEqualTo(Double.parseDouble(budget));
            assertThat(r.policy().name()).isEqualTo("haq-" + budget);
            r.policy().requireCovers(TinySearch.CONFIG);
            for (EpisodeRecord e : r.log()) {
                assertThat(e.averageBits()).isLessThanOrEqualTo(Double.parseDouble(budget));
                assertThat(e.bits()).allMatch(b -> b >= 1 && b <= 8);
            }
            assertThat(r.reward()).isEqualTo(r.log().stream().mapToDouble(EpisodeRecord::reward).max().orElseThrow());
        }
    }

    @Test
    void theSameSeedGivesIdenticalPoliciesAndLogs() {
        SearchResult a = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config("3", 6, 7), null, line -> {});
        SearchResult b = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config("3", 6, 7), null, line -> {});
        assertThat(b.policy()).isEqualTo(a.policy());
        assertThat(b.log()).isEqualTo(a.log());
        List<LinearId> ids = LinearId.all(TinySearch.CONFIG);
        assertThat(SearchLogCsv.format(ids, b.log())).isEqualTo(SearchLogCsv.format(ids, a.log()));
    }

    @Test
    void anotherSeedExploresOtherPolicies() {
        SearchResult a = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config("3", 4, 7), null, line -> {});
        SearchResult b = TinySearch.search(QuantScheme.LINEAR).run(TinySearch.config("3", 4, 8), null, line -> {});
        assertThat(b.log().stream().map(EpisodeRecord::bits).toList())
                .isNotEqualTo(a.log().stream().map(EpisodeRecord::bits).toList());
    }

    @Test
    void aSearchStoppedAfterAnEpisodeResumesToTheSameResultAsAnUninterruptedOne(@TempDir Path dir) {
        SearchConfig config = TinySearch.config("3", 6, 3);
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
        TinySearch.search(QuantScheme.KMEANS).run(TinySearch.config("3", 3, 3), checkpoint, line -> {});
        List<String> lines = new ArrayList<>();
        SearchResult r = TinySearch.search(QuantScheme.KMEANS).run(TinySearch.config("3", 3, 4), checkpoint,
                lines::add);
        assertThat(lines.get(0)).contains("belongs to another search");
        assertThat(r.log()).hasSize(3);
    }

    @Test
    void actionsMapToWidthsWithEqualSharesOfTheUnitInterval() {
        SearchConfig c = new SearchConfig("haq-x", new BigDecimal("3"), 2, 5, 1, 0, TinySearch.AGENT);
        assertThat(c.bitsFor(0.0)).isEqualTo(2);
        assertThat(c.bitsFor(0.24)).isEqualTo(2);
        assertThat(c.bitsFor(0.26)).isEqualTo(3);
        assertThat(c.bitsFor(0.74)).isEqualTo(4);
        assertThat(c.bitsFor(0.76)).isEqualTo(5);
        assertThat(c.bitsFor(1.0)).isEqualTo(5);
    }
}
