package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.ModelIdentity;
import org.pmpdrepro.eval.Provenance;

/** The committed goldens, checked without decoding anything: they belong to this grid, model and fixtures. */
class CommittedGoldensTest {

    static final GoldenFile GOLDENS = GoldenFile.read(GoldenFile.DEFAULT_FILE);

    @Test
    void everyRowNamesACellOfTheCommittedGrid() {
        Set<String> ids = Grid.read(Grid.DEFAULT_FILE).cells().stream().map(Cell::id).collect(Collectors.toSet());
        assertThat(GOLDENS.rows()).isNotEmpty().allSatisfy(l -> assertThat(ids).contains(l.row().cell()));
    }

    @Test
    void everyCellTheDefaultRunnerCanRunHasAllFourMetrics() {
        SuiteRegistry wired = SuiteRegistry.defaults();
        List<Cell> runnable = Grid.read(Grid.DEFAULT_FILE).cells().stream()
                .filter(c -> wired.backbones().contains(c.backbone()) && wired.schedulers().contains(c.scheduler()))
                .toList();
        assertThat(runnable).isNotEmpty().allSatisfy(c -> assertThat(SuiteMetrics.ALL)
                .allSatisfy(m -> assertThat(GOLDENS.find(c.id(), m)).as("%s %s", c.id(), m).isPresent()));
    }

    @Test
    void rowsWereMeasuredOnTheCommittedModelAndFixtures() {
        // The names ModelBundle.identity() hashes for a single-file checkpoint with a tokenizer config.
        String model = ModelIdentity.of(ModelBundle.DEFAULT_DIR, List.of("config.json", "model.safetensors",
                "tokenizer.json", "tokenizer_config.json")).sha256();
        String fixtures = Provenance.manifestSha256(TaskFixtures.DEFAULT_DIR);
        assertThat(GOLDENS.rows()).allSatisfy(l -> {
            assertThat(l.row().modelSha256()).as("model hash of %s", l.where()).isEqualTo(model);
            assertThat(l.row().fixturesSha256()).as("fixtures hash of %s", l.where()).isEqualTo(fixtures);
            assertThat(l.row().source()).isEqualTo(GoldenRow.Source.RUN);
        });
    }
}
