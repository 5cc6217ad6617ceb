package org.pmpdrepro.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.model.ModelIdentity;

/**
 * The committed goldens, checked without decoding anything: they belong to this grid, model and fixtures, every
 * cell's outputs file lists the fixtures' test prompts, every claim instance has an expected verdict, and every task
 * has measured configuration spread.
 */
@Tag("unit")
class CommittedGoldensTest {

    static final GoldenFile GOLDENS = GoldenFile.read(GoldenFile.DEFAULT_FILE);
    static final Grid GRID = Grid.read(Grid.DEFAULT_FILE);

    @Test
    void everyRowNamesACellOfTheCommittedGrid() {
        Set<String> ids = GRID.cells().stream().map(Cell::id).collect(Collectors.toSet());
        assertThat(GOLDENS.rows()).isNotEmpty().allSatisfy(l -> assertThat(ids).contains(l.row().cell()));
    }

    @Test
    void everyCellTheDefaultRunnerCanRunHasAGoldenRow() {
        SuiteRegistry wired = SuiteRegistry.defaults();
        List<Cell> runnable = GRID.cells().stream()
                .filter(c -> wired.backbones().contains(c.backbone()) && wired.schedulers().contains(c.scheduler()))
                .toList();
        assertThat(runnable).isNotEmpty().allSatisfy(c -> assertThat(GOLDENS.find(c.id())).as(c.id()).isPresent());
    }

    @Test
    void everyOutputsFileListsTheFixturesTestPromptsInOrder() {
        for (GoldenFile.Located l : GOLDENS.rows()) {
            Task task = Task.fromId(l.row().cell().split("/")[1]);
            List<String> ids = TaskFixtures.load(TaskFixtures.DEFAULT_DIR, task, Split.TEST).stream()
                    .map(TaskExample::id).limit(l.row().samples()).toList();
            GoldenOutputs outputs = GoldenOutputs.read(l.outputsFile());
            assertThat(outputs.prompts()).as(l.where()).extracting(GoldenOutputs.Prompt::id).containsExactlyElementsOf(ids);
        }
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
        });
    }

    @Test
    void everyClaimInstanceOfTheGridHasAnExpectedVerdict() {
        ExpectedVerdicts expected = ExpectedVerdicts.readOrEmpty(ExpectedVerdicts.besides(GoldenFile.DEFAULT_FILE));
        List<Claim> claims = ClaimsFile.read(ClaimsFile.DEFAULT_FILE);
        for (Ablation a : Ablation.values()) {
            assertThat(ClaimInstance.of(GRID, claims, a)).allSatisfy(i -> assertThat(expected.find(i))
                    .as("expected verdict of %s in %s", i.id(), expected.file()).isPresent());
        }
    }

    @Test
    void everyTaskOfTheGoldensHasMeasuredConfigurationSpreadAgainstItsGoldensConfiguration() {
        ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(
                ConfigurationSpread.besides(GoldenFile.DEFAULT_FILE));
        for (Task t : Task.values()) {
            for (String m : SuiteMetrics.ALL) {
                assertThat(spread.tolerance(t, m)).as("tolerance of %s on %s", m, t.id()).isPresent();
            }
        }
        assertThat(spread.rows()).allSatisfy(r -> {
            GoldenRow g = GOLDENS.find(r.cell()).orElseThrow().row();
            assertThat(r.reference()).as("reference configuration of %s", r.cell()).isEqualTo(g.configuration());
        });
    }
}
